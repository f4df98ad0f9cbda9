/** `node scripts/build-console.ts [--force]`: the console build check `agora start` makes, on its own (apps/cli/src/console-build.ts). */
import { buildConsoleIfStale } from '../apps/cli/src/console-build.ts';

process.exitCode = buildConsoleIfStale(process.argv.includes('--force'));
