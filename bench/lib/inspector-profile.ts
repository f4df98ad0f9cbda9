// A CPU profile of one stretch of a process (not its start-up), written where `--cpu-prof` writes,
// for the measurements that run several variants in one process and profile Agora's part only.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

/** Profiles `work` into `<dir>/CPU.<label>.<pid>.0.001.cpuprofile` (the pid where summarizeProfiles reads it). */
export async function profiled<T>(dir: string | undefined, label: string, work: () => Promise<T>): Promise<T> {
  if (!dir) return work();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(join(dir, `CPU.${label}.${process.pid}.0.001.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}
