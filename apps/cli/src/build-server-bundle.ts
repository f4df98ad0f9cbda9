/**
 * Builds the server bundle (see server-bundle.ts) with Rolldown: ES modules, split where main.ts
 * imports lazily (the split topology's clients, the traffic generator, the CLI's other commands),
 * with source maps. Every file goes in under a content-hashed name, written to a temporary name
 * and renamed, and the manifest last: a process running the previous bundle still finds its lazily
 * loaded files, one started mid-build sees the old manifest or the new one, and two builds at once
 * write the same files. Files of neither this build nor the previous one are removed.
 */
import { readdirSync, renameSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { build } from 'rolldown';
import { CHECKOUT } from './checkout-root.ts';
import { BUNDLE_DIR, MANIFEST, readManifest, type BundleManifest } from './server-bundle.ts';

/** Stands for everything under node_modules: npm rewrites it on every install. */
const INSTALLED = join('node_modules', '.package-lock.json');

const builtAt = Date.now();
const previous = readManifest();
const output = await build({
  input: join(import.meta.dirname, 'main.ts'),
  platform: 'node',
  external: [/^node:/],
  logLevel: 'warn',
  write: false,
  output: {
    format: 'esm',
    entryFileNames: 'main-[hash].mjs',
    chunkFileNames: '[name]-[hash].mjs',
    sourcemap: true,
    // V8 keeps every module's source text for as long as the process runs, at two bytes a character
    // once one character is outside Latin-1 (one licence comment was enough). Without whitespace and
    // comments, in ASCII, that is ~4 MB of heap less in every process; names stay as they were
    // (no mangling or compression), so stack traces and `Function#name` read as in the sources.
    charset: 'ascii',
    comments: false,
    minify: { compress: false, mangle: false, codegen: { removeWhitespace: true } },
  },
});

mkdirSync(BUNDLE_DIR, { recursive: true });
const files: string[] = [];
const inputs = new Set<string>([INSTALLED]);
let entry: string | undefined;
for (const item of output.output) {
  const content = item.type === 'chunk' ? item.code : item.source;
  const temporary = join(BUNDLE_DIR, `.${item.fileName}.${process.pid}`);
  writeFileSync(temporary, content);
  renameSync(temporary, join(BUNDLE_DIR, item.fileName));
  files.push(item.fileName);
  if (item.type !== 'chunk') continue;
  if (item.isEntry) entry = item.fileName;
  for (const id of item.moduleIds) {
    if (id.startsWith(CHECKOUT + sep) && !id.includes(`${sep}node_modules${sep}`)) inputs.add(relative(CHECKOUT, id));
  }
}
if (!entry) throw new Error('the build has no entry chunk');

const manifest: BundleManifest = { entry, builtAt, inputs: [...inputs].sort(), files: files.sort() };
const temporary = join(BUNDLE_DIR, `.manifest.json.${process.pid}`);
writeFileSync(temporary, `${JSON.stringify(manifest, null, 2)}\n`);
renameSync(temporary, MANIFEST);

const kept = new Set([...files, ...(previous?.files ?? []), 'manifest.json']);
for (const name of readdirSync(BUNDLE_DIR)) {
  if (!kept.has(name) && !name.startsWith('.')) rmSync(join(BUNDLE_DIR, name), { force: true });
}
process.stderr.write(`agora: bundle ${entry} built in ${((Date.now() - builtAt) / 1000).toFixed(1)} s (${files.length} files, from ${inputs.size - 1} source files)\n`);
