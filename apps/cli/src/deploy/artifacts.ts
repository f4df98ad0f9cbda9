import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { services } from '../../../../topology.ts';
import { CHECKOUT } from '../checkout-root.ts';

/** What an artifact holds: the same files the container image copies (deploy/Dockerfile). */
const RUNTIME_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'topology.ts', 'packages', 'services', 'apps/cli', 'apps/gateway'];
const VERSION = /^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$/;

export interface ArtifactManifest {
  artifact: string;
  version: string;
  /** sha256 over every runtime file's path and content: the artifact's identity. */
  digest: string;
  commit: string | null;
  builtAt: string;
}

/** The artifacts a build can produce: one per service, and the gateway. */
export function artifactNames(): string[] {
  return ['gateway', ...services.map((service) => service.name)];
}

export function checkArtifact(artifact: string, version: string): void {
  if (!artifactNames().includes(artifact)) throw new Error(`--artifact: one of ${artifactNames().join(', ')}`);
  if (!VERSION.test(version)) throw new Error(`--version "${version}": letters, digits, dots, dashes and underscores, e.g. 1.4.0`);
}

/** Where `agora build` leaves artifacts: AGORA_ARTIFACTS or dist/artifacts in the checkout. */
export function buildsFolder(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.AGORA_ARTIFACTS ?? join(CHECKOUT, 'dist', 'artifacts'));
}

export function readManifest(folder: string): ArtifactManifest {
  return JSON.parse(readFileSync(join(folder, 'artifact.json'), 'utf8')) as ArtifactManifest;
}

/**
 * `agora build`: the runtime files of a source tree (this checkout by default) as an immutable,
 * runnable folder `<builds>/<artifact>/<version>`, with its dependencies linked in (hard links:
 * no copy, no download) and a manifest naming its digest and commit. A version is built once.
 */
export function buildArtifact(options: { artifact: string; version: string; source?: string; builds?: string }): { folder: string; manifest: ArtifactManifest } {
  checkArtifact(options.artifact, options.version);
  const source = resolve(options.source ?? CHECKOUT);
  const folder = join(options.builds ?? buildsFolder(), options.artifact, options.version);
  if (existsSync(folder)) throw new Error(`${options.artifact} ${options.version} is already built (${folder}): versions are immutable, build a new one`);
  for (const file of RUNTIME_FILES) if (!existsSync(join(source, file))) throw new Error(`${source} is not an Agora source tree: ${file} is missing`);
  const dependencies = [join(source, 'node_modules'), join(CHECKOUT, 'node_modules')].find((candidate) => existsSync(candidate));
  if (!dependencies) throw new Error('no node_modules to build with: run npm ci first');

  // Built beside its final place and renamed at the end: a half-built artifact is never seen.
  const partial = `${folder}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  try {
    for (const file of RUNTIME_FILES) {
      cpSync(join(source, file), join(partial, file), { recursive: true, filter: (path) => !path.endsWith('.test.ts') && !path.includes('/node_modules') });
    }
    linkTree(dependencies, join(partial, 'node_modules'));
    const manifest: ArtifactManifest = {
      artifact: options.artifact,
      version: options.version,
      digest: digestOf(partial),
      commit: commitOf(source),
      builtAt: new Date().toISOString(),
    };
    writeFileSync(join(partial, 'artifact.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    renameSync(partial, folder);
    return { folder, manifest };
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  }
}

/**
 * `agora publish` to a local environment: the built folder copied into the environment's
 * repository (hard links), checked against its digest first. Publishing the same artifact again
 * changes nothing; a different artifact under a published version is refused.
 */
export function publishArtifact(options: { artifact: string; version: string; repository: string; builds?: string }): { folder: string; manifest: ArtifactManifest; alreadyPublished: boolean } {
  checkArtifact(options.artifact, options.version);
  const built = join(options.builds ?? buildsFolder(), options.artifact, options.version);
  if (!existsSync(join(built, 'artifact.json'))) throw new Error(`${options.artifact} ${options.version} is not built: run agora build --artifact ${options.artifact} --version ${options.version}`);
  const manifest = verifiedManifest(built);
  const folder = join(options.repository, options.artifact, options.version);
  if (existsSync(folder)) {
    if (verifiedManifest(folder).digest !== manifest.digest) throw new Error(`${options.artifact} ${options.version} is already published with other contents (${folder})`);
    return { folder, manifest, alreadyPublished: true };
  }
  const partial = `${folder}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(dirname(partial), { recursive: true });
  try {
    linkTree(built, partial);
    renameSync(partial, folder);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  }
  return { folder, manifest, alreadyPublished: false };
}

/** The manifest of a published or built artifact, after checking its files still match it. */
export function verifiedManifest(folder: string): ArtifactManifest {
  const manifest = readManifest(folder);
  const digest = digestOf(folder);
  if (digest !== manifest.digest) throw new Error(`${folder} does not match its manifest (digest ${digest}, expected ${manifest.digest}): it was changed after the build`);
  return manifest;
}

/** A copy whose files are hard links (same disk: instant, no space); symbolic links stay relative. */
function linkTree(from: string, to: string): void {
  const linked = spawnSync('cp', ['-a', '--link', from, to]);
  if (linked.status !== 0) cpSync(from, to, { recursive: true, verbatimSymlinks: true });
}

function digestOf(folder: string): string {
  const hash = createHash('sha256');
  const walk = (directory: string) => {
    for (const name of readdirSync(directory).sort()) {
      const path = join(directory, name);
      const rel = relative(folder, path);
      if (rel === 'node_modules' || rel === 'artifact.json') continue;
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else hash.update(`${rel}\0`).update(readFileSync(path)).update('\0');
    }
  };
  walk(folder);
  return `sha256:${hash.digest('hex')}`;
}

function commitOf(source: string): string | null {
  const head = spawnSync('git', ['-C', source, 'rev-parse', 'HEAD'], { encoding: 'utf8' });
  if (head.status !== 0) return null;
  const dirty = spawnSync('git', ['-C', source, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).stdout.trim() !== '';
  return `${head.stdout.trim()}${dirty ? '-dirty' : ''}`;
}
