/**
 * The server bundle: main.ts and everything it imports (chassis, services, gateway and their
 * dependencies) as a few dozen files in apps/cli/dist/, instead of some 1,600 modules. Node's ES
 * module loader does per-module work (resolution, package scope, a module job) that costs about
 * 0.4 ms a module here, before any code runs: the bundle makes a start ~0.35 s faster and each
 * process ~19 MB smaller.
 *
 * A process runs the bundle only when it was built from exactly the files the checkout holds now
 * (its manifest lists them; any one newer, or gone, and the sources run instead), so an edited
 * checkout always runs what it holds. `agora start` rebuilds a stale bundle first; every other
 * command only uses a fresh one. AGORA_BUNDLE=off runs the sources always (stack traces then name
 * the TypeScript files; with the bundle, `--enable-source-maps` does).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CHECKOUT } from './checkout-root.ts';

/** At the depth of src/, so paths the bundled code takes from `import.meta` lead where they did. */
export const BUNDLE_DIR = join(CHECKOUT, 'apps', 'cli', 'dist');
export const MANIFEST = join(BUNDLE_DIR, 'manifest.json');

export interface BundleManifest {
  /** The entry file, in BUNDLE_DIR. */
  entry: string;
  /** When the build began (ms since the epoch): a file changed since is newer than the bundle. */
  builtAt: number;
  /** The checkout's files that went into it, relative to the checkout (the lockfile stands for node_modules). */
  inputs: string[];
  /** Every file the build wrote, in BUNDLE_DIR. */
  files: string[];
}

export function readManifest(manifest = MANIFEST): BundleManifest | undefined {
  try {
    return JSON.parse(readFileSync(manifest, 'utf8')) as BundleManifest;
  } catch {
    return undefined;
  }
}

/** The bundle's entry file when the bundle is on and fresh, else undefined (run the sources). */
export function freshBundle(env: NodeJS.ProcessEnv = process.env, checkout = CHECKOUT, dir = BUNDLE_DIR): string | undefined {
  if (env.AGORA_BUNDLE === 'off') return undefined;
  const manifest = readManifest(join(dir, 'manifest.json'));
  if (!manifest) return undefined;
  for (const input of manifest.inputs) {
    const changed = statSync(join(checkout, input), { throwIfNoEntry: false })?.mtimeMs;
    if (changed === undefined || changed > manifest.builtAt) return undefined;
  }
  return join(dir, manifest.entry);
}

/**
 * The bundle's entry file for `agora start`: built first when it is stale and the bundler is
 * installed (a checkout with its dev dependencies; an image holds only what runs, and runs the
 * sources). A failed build is reported and the sources run (undefined): a start never fails for
 * want of a bundle. Talks on stderr: stdout is the shop's JSON log.
 */
export function buildBundleIfStale(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fresh = freshBundle(env);
  if (fresh || env.AGORA_BUNDLE === 'off') return fresh;
  if (statSync(join(CHECKOUT, 'node_modules', 'rolldown'), { throwIfNoEntry: false }) === undefined) return undefined;
  process.stderr.write('agora: bundling the server (once per change of its sources)\n');
  const result = spawnSync(process.execPath, [join(import.meta.dirname, 'build-server-bundle.ts')], { cwd: CHECKOUT, stdio: ['ignore', process.stderr, 'inherit'] });
  if (result.status === 0) return freshBundle(env);
  process.stderr.write('agora: the bundle could not be built; running the sources\n');
  return undefined;
}
