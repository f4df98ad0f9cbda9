// How busy each CPU of the machine is, from /proc/stat: whether the servers' CPU was saturated, and
// what else ran on the machine meanwhile.
import { readFileSync } from 'node:fs';

/** Busy % per CPU (`cpu0`, `cpu1`, …) over an interval. */
export type CpuBusy = Record<string, number>;

interface Counters {
  busy: number;
  total: number;
}

function counters(): Map<string, Counters> {
  const result = new Map<string, Counters>();
  for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
    const match = /^(cpu\d+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = match[2]!.split(/\s+/).map(Number);
    const busy = user + nice + system + irq + softirq + steal;
    result.set(match[1]!, { busy, total: busy + idle + iowait });
  }
  return result;
}

/** Starts watching; `busy()` tells each CPU's busy % since then. */
export function watchCpus(): { busy(): CpuBusy } {
  const begin = counters();
  return {
    busy() {
      const result: CpuBusy = {};
      for (const [cpu, end] of counters()) {
        const start = begin.get(cpu);
        if (!start || end.total === start.total) continue;
        result[cpu] = Math.round(((end.busy - start.busy) / (end.total - start.total)) * 100);
      }
      return result;
    },
  };
}
