/** Top self-time functions of a V8 .cpuprofile (as written by `node --cpu-prof`). */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface HotFunction {
  function: string;
  location: string;
  selfMs: number;
  selfPct: number;
}

export function topSelfTime(file: string, n = 10, root = ''): { totalMs: number; idlePct: number; top: HotFunction[] } {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  // Self time per node from the sample timeline (more exact than hitCount × interval).
  const self = new Map<number, number>();
  const samples = p.samples ?? [];
  const deltas = p.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const dt = deltas[i + 1] ?? 0;
    self.set(samples[i], (self.get(samples[i]) ?? 0) + dt);
  }
  const agg = new Map<string, { fn: string; loc: string; us: number }>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node) continue;
    total += us;
    const f = node.callFrame;
    const fn = f.functionName || '(anonymous)';
    if (fn === '(idle)') idle += us;
    const url = root && f.url.includes(root) ? f.url.slice(f.url.indexOf(root) + root.length) : f.url.replace(/^file:\/\//, '');
    const loc = url ? `${url}:${f.lineNumber + 1}` : '';
    const key = `${fn}@${loc}`;
    const a = agg.get(key) ?? { fn, loc, us: 0 };
    a.us += us;
    agg.set(key, a);
  }
  const busy = total - idle;
  const top = [...agg.values()]
    .filter((a) => a.fn !== '(idle)')
    .sort((a, b) => b.us - a.us)
    .slice(0, n)
    .map((a) => ({ function: a.fn, location: a.loc, selfMs: a.us / 1000, selfPct: busy > 0 ? (100 * a.us) / busy : 0 }));
  return { totalMs: total / 1000, idlePct: total > 0 ? (100 * idle) / total : 0, top };
}
