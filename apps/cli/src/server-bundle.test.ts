import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { buildBundleIfStale, freshBundle, readManifest, type BundleManifest } from './server-bundle.ts';

describe('the server bundle', () => {
  it('is run while every file it was built from is unchanged, and the sources once one changed or is gone', () => {
    const checkout = mkdtempSync(join(tmpdir(), 'agora-bundle-'));
    try {
      const dir = join(checkout, 'dist');
      mkdirSync(join(checkout, 'src'));
      mkdirSync(dir);
      for (const file of ['src/a.ts', 'src/b.ts']) writeFileSync(join(checkout, file), '');
      const builtAt = Date.now() + 1_000;
      const manifest: BundleManifest = { entry: 'main-x.mjs', builtAt, inputs: ['src/a.ts', 'src/b.ts'], files: ['main-x.mjs'] };
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));

      assert.equal(freshBundle({}, checkout, dir), join(dir, 'main-x.mjs'));
      assert.equal(freshBundle({ AGORA_BUNDLE: 'off' }, checkout, dir), undefined, 'AGORA_BUNDLE=off runs the sources');
      const later = new Date(builtAt + 5_000);
      utimesSync(join(checkout, 'src/b.ts'), later, later);
      assert.equal(freshBundle({}, checkout, dir), undefined, 'a source edited after the build');
      rmSync(join(checkout, 'src/b.ts'));
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
      assert.equal(freshBundle({}, checkout, dir), undefined, 'a source that is gone');
      rmSync(join(dir, 'manifest.json'));
      assert.equal(freshBundle({}, checkout, dir), undefined, 'never built');
    } finally {
      rmSync(checkout, { recursive: true, force: true });
    }
  });

  it('builds from this checkout and serves the shop, its console and its API docs as the sources do', async () => {
    const entry = buildBundleIfStale({});
    assert.ok(entry, 'a fresh bundle after the build');
    assert.equal(freshBundle({}), entry);
    const manifest = readManifest()!;
    for (const source of ['apps/cli/src/main.ts', 'apps/gateway/src/gateway.ts', 'services/orders/service.ts', 'packages/chassis/src/index.ts', 'topology.ts']) {
      assert.ok(manifest.inputs.includes(source), `built from ${source}`);
    }

    const dataDir = mkdtempSync(join(tmpdir(), 'agora-bundle-start-'));
    const child = spawn(process.execPath, [join(import.meta.dirname, 'agora.ts'), 'start'], {
      env: { ...process.env, PORT: '0', DATA_DIR: dataDir, AGORA_TOPOLOGY: 'embedded', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    try {
      const ready = await new Promise<{ url: string; code: string }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('not ready in 60 s')), 60_000);
        createInterface({ input: child.stdout! }).on('line', (line) => {
          if (!line.includes('"agora ready"')) return;
          clearTimeout(timer);
          resolve(JSON.parse(line) as { url: string; code: string });
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code} before it was ready`)));
      });
      assert.equal(ready.code, 'bundle');
      const products = await fetch(`${ready.url}/api/v1/products`);
      assert.equal(products.status, 200);
      assert.ok(((await products.json()) as { items: unknown[] }).items.length > 0, 'the sample catalog');
      for (const page of ['/console/', '/docs', '/openapi.json']) {
        const response = await fetch(`${ready.url}${page}`);
        assert.equal(response.status, 200, page);
        await response.arrayBuffer();
      }
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
