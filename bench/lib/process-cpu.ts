// CPU time used by processes, from /proc/<pid>/stat: what a request costs in each process of a
// stack, where req/s alone only says the sum was one CPU.
import { readFileSync } from 'node:fs';

/** Kernel clock ticks per second (USER_HZ): 100 on Linux for every architecture this runs on. */
const TICKS_PER_SECOND = 100;

/** User + system CPU of a process so far, in ms (0 once it is gone). */
export function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is the 3rd field, utime the 14th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** CPU ms so far of named groups of processes (a supervisor's group is itself, not its children). */
export function cpuMsByGroup(groups: Record<string, number[]>): Record<string, number> {
  return Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, pids.reduce((sum, pid) => sum + cpuMsOf(pid), 0)]));
}

/** Per group, µs of CPU per request between two readings. */
export function cpuPerRequest(before: Record<string, number>, after: Record<string, number>, requests: number): Record<string, number> {
  return Object.fromEntries(Object.keys(after).map((name) => [name, requests > 0 ? Math.round(((after[name]! - (before[name] ?? 0)) * 1000) / requests) : 0]));
}
