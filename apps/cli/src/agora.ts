#!/usr/bin/env node
// The agora command. It turns on V8's on-disk compile cache before loading anything else, so every
// start after the first skips parsing and compiling a few hundred modules again. Started the
// documented ways (npm scripts, the supervisor's children, the image), NODE_COMPILE_CACHE has turned
// it on already, before this file itself was read: then this call changes nothing.
import { enableCompileCache } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// Kept in the environment, so the processes this one starts use the same cache from their first file.
process.env.NODE_COMPILE_CACHE ??= join(import.meta.dirname, '../../../.runtime/compile-cache');
enableCompileCache(process.env.NODE_COMPILE_CACHE);
// The bundle of main.ts when it is fresh, else the sources; `start` brings a stale bundle up to date first.
const { buildBundleIfStale, freshBundle } = await import('./server-bundle.ts');
const bundle = process.argv[2] === 'start' ? buildBundleIfStale() : freshBundle();
await import(bundle ? pathToFileURL(bundle).href : './main.ts');
