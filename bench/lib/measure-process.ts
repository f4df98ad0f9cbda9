// Rows measured inside a process of their own (bench/measure/): started with a spec, their answer is
// the one line of stdout that starts with the result prefix (the rest is Agora's own log).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from './context.ts';
import { launch } from './processes.ts';

export const RESULT_PREFIX = 'BENCH_RESULT ';

/** `wholeProfile`: when profiling, profile the whole process (false: the process profiles what matters itself). */
export async function runMeasureProcess<T>(context: BenchContext, name: string, file: string, spec: object, cpus: string | undefined, wholeProfile = true): Promise<T> {
  const stdoutFile = join(context.runDir, `${name}.log`);
  const profile = context.profileDir && wholeProfile ? ['--cpu-prof', `--cpu-prof-dir=${context.profileDir}`] : [];
  const launched = launch(name, process.execPath, [...profile, file], {
    cpus,
    stdoutFile,
    logFile: join(context.runDir, `${name}.err.log`),
    env: { ...process.env, BENCH_SPEC: JSON.stringify(spec) },
  });
  const code = await launched.exited;
  const line = readFileSync(stdoutFile, 'utf8')
    .split('\n')
    .find((candidate) => candidate.startsWith(RESULT_PREFIX));
  if (code !== 0 || !line) throw new Error(`${name} exited with ${code} without a result\n${launched.tail()}`);
  return JSON.parse(line.slice(RESULT_PREFIX.length)) as T;
}
