// Linux's process table, read from /proc: a shop's process tree, the servers it started, their
// memory, and moving them to other CPUs.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { placement } from './processes.ts';

export interface ProcessEntry {
  pid: number;
  parent: number;
  command: string[];
}

export function processTable(): Map<number, ProcessEntry> {
  const table = new Map<number, ProcessEntry>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      table.set(pid, { pid, parent, command });
    } catch {
      // exited meanwhile
    }
  }
  return table;
}

/** The processes under `roots` (included). */
export function descendants(table: Map<number, ProcessEntry>, roots: number[]): Set<number> {
  const members = new Set(roots.filter((pid) => table.has(pid)));
  for (let grown = true; grown; ) {
    grown = false;
    for (const entry of table.values()) {
      if (members.has(entry.parent) && !members.has(entry.pid)) {
        members.add(entry.pid);
        grown = true;
      }
    }
  }
  return members;
}

/**
 * Servers started detached from a data folder (PostgreSQL, NATS, Redis): each recorded in
 * `<dataDir>/<server>/server.json`, or found by the folder in its command line (Redis rewrites its own).
 */
export function serversUnder(table: Map<number, ProcessEntry>, dataDir: string): Set<number> {
  const recorded: number[] = [];
  for (const entry of existsSync(dataDir) ? readdirSync(dataDir) : []) {
    try {
      recorded.push((JSON.parse(readFileSync(join(dataDir, entry, 'server.json'), 'utf8')) as { pid: number }).pid);
    } catch {
      // not a server's folder
    }
  }
  const named = [...table.values()].filter((entry) => entry.command.some((part) => part.includes(dataDir))).map((entry) => entry.pid);
  return descendants(table, [...recorded, ...named]);
}

/** Moves running processes (every thread) to `cpus`; what they start later inherits it. */
export function pin(pids: Iterable<number>, cpus: string | undefined): void {
  if (!cpus || !placement) return;
  for (const pid of pids) spawnSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}

export function rssMb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** PSS in MB: pages shared between processes split between them, so a group's sum counts them once. */
export function pssMb(pids: Iterable<number>): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      kb += Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    } catch {
      // exited meanwhile
    }
  }
  return kb / 1024;
}
