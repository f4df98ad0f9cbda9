// CPU profiles of a row (`npm run bench -- --profile <row>`): every Agora process of the row runs
// with `--cpu-prof`; each profile is summed up here as its top frames by self time.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './shop.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  file: string;
  pid: number;
  /** What the profile is of, when its file name says (`CPU.dispatch-agora.<pid>…`); else undefined. */
  label?: string;
  /** Sampled time, idle left out, in s. */
  busySeconds: number;
  top: Array<{ frame: string; selfMs: number; percent: number }>;
}

const IDLE = new Set(['(idle)', '(program)']);

/** The top frames of every profile in `dir`, largest profiles first; tiny ones (npm, sh wrappers) left out. */
export function summarizeProfiles(dir: string, count = 15): ProfileSummary[] {
  const summaries: ProfileSummary[] = [];
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const frames = new Map<number, string>(profile.nodes.map((node) => [node.id, frameName(node.callFrame)]));
    const self = new Map<string, number>();
    let busy = 0;
    for (const [index, nodeId] of profile.samples.entries()) {
      const frame = frames.get(nodeId)!;
      const micros = profile.timeDeltas[index] ?? 0;
      if (IDLE.has(frame)) continue;
      busy += micros;
      self.set(frame, (self.get(frame) ?? 0) + micros);
    }
    if (busy < 200_000) continue;
    const top = [...self.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([frame, micros]) => ({ frame, selfMs: Math.round(micros / 1000), percent: Number(((micros / busy) * 100).toFixed(1)) }));
    // Node names them CPU.<date>.<time>.<pid>.<thread>.<sequence>.cpuprofile; ours put a label where the date goes.
    const [, label, pid] = /^CPU\.(.+)\.(\d+)\.\d+\.\d+\.cpuprofile$/.exec(file) ?? [];
    summaries.push({ file: join(dir, file), pid: Number(pid), label: label && !/^\d/.test(label) ? label : undefined, busySeconds: Number((busy / 1e6).toFixed(2)), top });
  }
  return summaries.sort((a, b) => b.busySeconds - a.busySeconds);
}

function frameName(frame: ProfileNode['callFrame']): string {
  if (!frame.url) return frame.functionName || '(anonymous)';
  const where = frame.url
    .replace('file://', '')
    .replace(`${ROOT}/`, '')
    .replace(/^.*node_modules\//, 'node_modules/');
  return `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber + 1}`;
}
