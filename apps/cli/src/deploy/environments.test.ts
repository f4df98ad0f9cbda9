import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CHECKOUT } from '../checkout-root.ts';
import { loadEnvironment } from './environments.ts';

describe('deploy/environments.yaml', () => {
  it('holds a local environment with its gate defaults, and two Kubernetes environments on the overlays', () => {
    const local = loadEnvironment('local');
    assert.equal(local.kind, 'local');
    if (local.kind !== 'local') return;
    assert.equal(local.dataDir, join(CHECKOUT, 'data'), 'relative paths start at the checkout');
    assert.ok(local.gate.canaryWeight > 0 && local.gate.canaryWeight < 50);
    assert.ok(local.gate.errorRate > 0 && local.gate.errorRate < 1);
    for (const name of ['staging', 'production']) {
      const environment = loadEnvironment(name);
      assert.equal(environment.kind, 'kubernetes');
      if (environment.kind === 'kubernetes') assert.match(environment.overlay, /deploy\/k8s\/overlays\/(dev|prod)$/);
    }
  });

  it('names the bad field of a broken file, and an unknown environment with the known ones', () => {
    const folder = mkdtempSync(join(tmpdir(), 'agora-environments-'));
    try {
      const file = join(folder, 'environments.yaml');
      writeFileSync(file, 'environments:\n  local:\n    kind: local\n    dataDir: data\n    repository: data/published\n    gate: { errorRate: 2 }\n');
      assert.throws(() => loadEnvironment('local', file), /environments\.local: \/gate\/errorRate must be <= 1/);
      assert.throws(() => loadEnvironment('elsewhere', file), /no environment "elsewhere" .* \(there are: local\)/);
      writeFileSync(file, 'environments:\n  local:\n    kind: cloud\n');
      assert.throws(() => loadEnvironment('local', file), /\/environments\/local\/kind must be equal to one of the allowed values/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
