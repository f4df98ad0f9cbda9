import assert from 'node:assert/strict';
import { it } from 'node:test';
import { loggableUrl } from './loggable-url.ts';

it('replaces credential-like query values and keeps everything else', () => {
  assert.equal(loggableUrl('/api/v1/orders'), '/api/v1/orders');
  assert.equal(loggableUrl('/api/v1/orders?limit=5&cursor=abc'), '/api/v1/orders?limit=5&cursor=abc');
  assert.equal(loggableUrl('/a?access_token=eyJ.x.y&limit=5'), '/a?access_token=[redacted]&limit=5');
  assert.equal(loggableUrl('/a?Password=hunter2&api-key=k&%74oken=t&flag'), '/a?Password=[redacted]&api-key=[redacted]&%74oken=[redacted]&flag');
  assert.equal(loggableUrl('/a?%zz=1'), '/a?%zz=1');
});
