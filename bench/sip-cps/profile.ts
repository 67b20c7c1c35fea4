/**
 * The top of a V8 `.cpuprofile` by self time, grouped by function and source location,
 * so a profiling run of the benchmark ends with the hot spots printed rather than a file
 * to open in a browser.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotSpot {
  name: string;
  selfPct: number;
}

export function topSelf(file: string, count = 25): HotSpot[] {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  // Weight each sample by its time delta: sampling intervals are not all equal.
  p.samples.forEach((id, i) => {
    const n = byId.get(id);
    const dt = p.timeDeltas[i] ?? 0;
    if (!n) return;
    total += dt;
    const f = n.callFrame;
    const where = f.url ? `${f.url.replace(/^.*\/(src|common|node_modules)\//, '$1/')}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, t]) => ({ name, selfPct: (100 * t) / total }));
}

// Usage on its own: npx tsx bench/sip-cps/profile.ts FILE.cpuprofile
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, '/'))) {
  for (const h of topSelf(process.argv[2]!, Number(process.argv[3] ?? 30))) console.log(`${h.selfPct.toFixed(1).padStart(5)} %  ${h.name}`);
}
