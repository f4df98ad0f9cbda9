import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GeneratedFile } from './manifests.ts';

/** Files in `dir` that differ from `files`: changed, missing, or left over from a removed workload. */
export function driftOf(dir: string, files: readonly GeneratedFile[]): string[] {
  const expected = new Map(files.map((file) => [file.name, file.text]));
  const present = existsSync(dir) ? readdirSync(dir) : [];
  const changed = files.filter((file) => !present.includes(file.name) || readFileSync(join(dir, file.name), 'utf8') !== file.text).map((file) => file.name);
  const stale = present.filter((name) => !expected.has(name));
  return [...changed, ...stale].map((name) => join(dir, name)).sort();
}

/** Makes `dir` hold exactly `files`; the folder is the generator's alone. */
export function writeFiles(dir: string, files: readonly GeneratedFile[]): void {
  mkdirSync(dir, { recursive: true });
  const expected = new Set(files.map((file) => file.name));
  for (const name of readdirSync(dir)) if (!expected.has(name)) rmSync(join(dir, name));
  for (const file of files) writeFileSync(join(dir, file.name), file.text);
}
