// The NestJS peer uses decorators, which type stripping does not run: it is compiled with the
// project's TypeScript before the first measurement (never downloaded or built at run time).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './shop.ts';

const PEERS = join(ROOT, 'bench', 'peers');
const PROJECT = join(PEERS, 'nest', 'tsconfig.json');
export const NEST_DIST = join(PEERS, 'nest', 'dist', 'nest');
const OUTPUTS = ['edge.js', 'orders.js', 'catalog.js', 'dto.js'].map((file) => join(NEST_DIST, file));

/** Compiles bench/peers/nest into its dist/ folder unless it is up to date; the time it took in ms (0: up to date). */
export function buildNest(): number {
  if (upToDate()) return 0;
  const began = performance.now();
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const built = spawnSync(process.execPath, [tsc, '-p', PROJECT], { encoding: 'utf8' });
  if (built.status !== 0 || !upToDate()) throw new Error(`the NestJS peer does not compile:\n${built.stdout}${built.stderr}`);
  return Math.round(performance.now() - began);
}

function upToDate(): boolean {
  if (!OUTPUTS.every((file) => existsSync(file))) return false;
  const sources = [PROJECT, ...['nest', 'shared'].flatMap((folder) => readdirSync(join(PEERS, folder)).filter((file) => file.endsWith('.ts')).map((file) => join(PEERS, folder, file)))];
  const newestSource = Math.max(...sources.map((file) => statSync(file).mtimeMs));
  return Math.min(...OUTPUTS.map((file) => statSync(file).mtimeMs)) > newestSource;
}
