#!/usr/bin/env node
// The agora command. It turns on V8's on-disk compile cache before loading anything else, so every
// start after the first skips parsing and compiling a few hundred modules again.
import { enableCompileCache } from 'node:module';
import { join } from 'node:path';

enableCompileCache(process.env.NODE_COMPILE_CACHE ?? join(import.meta.dirname, '../../../.runtime/compile-cache'));
await import('./main.ts');
