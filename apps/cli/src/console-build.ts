/**
 * Builds the live console (apps/console → apps/console/dist) when its build is missing or older
 * than its sources, so `agora start` always serves the console of this checkout and an unchanged
 * checkout starts without building. Where there are no sources (an image holds only dist/), there is
 * nothing to do. The build talks on stderr: stdout is the shop's JSON log.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, globSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const CONSOLE = resolve(import.meta.dirname, '..', '..', 'console');
const BUILT = join(CONSOLE, 'dist', 'index.html');
const SOURCES = ['index.html', 'package.json', 'vite.config.ts', 'tsconfig.json', 'public/**/*', 'src/**/*'];

function newestSource(): number {
  return Math.max(0, ...SOURCES.flatMap((pattern) => globSync(pattern, { cwd: CONSOLE })).map((file) => statSync(join(CONSOLE, file)).mtimeMs));
}

/** Builds when stale (or `force`); the build's exit status, 0 when nothing needed building. */
export function buildConsoleIfStale(force = false): number {
  if (!existsSync(join(CONSOLE, 'src'))) return 0;
  const stale = !existsSync(BUILT) || newestSource() > statSync(BUILT).mtimeMs;
  if (!force && !stale) return 0;
  const result = spawnSync('npm', ['run', 'build', '--silent', '-w', '@agora/console'], { cwd: resolve(CONSOLE, '..', '..'), stdio: ['ignore', process.stderr, 'inherit'] });
  return result.status ?? 1;
}
