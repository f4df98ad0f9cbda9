// What the figures were measured on and from: the machine, Node, the commit.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { placement } from './processes.ts';
import { ROOT } from './shop.ts';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  os: string;
  node: string;
  /** Where servers and the load generator ran (`taskset` CPU lists), or null when nothing was pinned. */
  pinning: { servers: string; load: string } | null;
  /** 1-minute load average when the run began: what else the machine was doing. */
  loadAverageAtStart: number;
}

export function machine(): Machine {
  return {
    // All of the machine's CPUs, whatever this process is pinned to.
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    os: `${type()} ${release()}`,
    node: process.version,
    pinning: placement ? { servers: placement.servers, load: placement.load } : null,
    loadAverageAtStart: Number(loadavg()[0]!.toFixed(2)),
  };
}

/** The commit measured, and whether the working tree differed from it. */
export function commit(): { commit: string; dirty: boolean } {
  const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  const status = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' });
  return { commit: head.status === 0 ? head.stdout.trim() : 'unknown', dirty: status.status === 0 && status.stdout.trim() !== '' };
}
