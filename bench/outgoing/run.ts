/**
 * The outgoing-call decision (issue 12's benchmark): what the exchange computes between a
 * dialled number and a seized line — the dial plan with the outside number's normalisation,
 * the number's class by the country's rules, the caller's classes of service in the office
 * mode, and the trunk-group hunt for a line — timed one decision at a time.
 *
 *   npx tsx bench/outgoing/run.ts [--decisions 100000]
 *
 * An office of 60 employees in 6 departments, 8 city lines in 4 trunk groups (a third of the
 * lines busy at random, one reserved for incoming calls), numbers of every class in every
 * common form, day and night. The lines are fakes with the OutsideLine capability, so the
 * figure is the decision alone (seizing a real port is the line's business). Prints
 * p50/p99/max in ms.
 */
import { parseArgs } from 'node:util';
import { validateConfig } from '../../src/config/validate.js';
import { resolveDialled } from '../../src/core/dialplan.js';
import { outsideCallVerdict } from '../../src/outgoing/barring.js';
import { OutgoingLines } from '../../src/outgoing/line-assignment.js';
import type { OutsideLine } from '../../src/outgoing/trunk-groups.js';
import type { Channel } from '../../src/channels/channel.js';

const { values } = parseArgs({ options: { decisions: { type: 'string', default: '100000' } } });
const N = Number(values.decisions);

const SHORTHANDS = ['none', 'national', 'international', ['local', 'mobile', 'freephone'], { day: 'international', night: ['local', 'freephone'] }];
const employees = Array.from({ length: 60 }, (_, i) => ({
  name: `Employee ${i}`, extension: String(200 + i), ...(i === 0 ? { role: 'admin', password: 'change-me-200' } : {}),
  ...(i % 3 === 0 ? {} : { outside_calls: SHORTHANDS[i % SHORTHANDS.length] }),
  ...(i % 4 === 0 ? {} : { trunk_groups: [['main', 'backup'], ['sales'], ['night', 'main']][i % 3] }),
}));
const config = validateConfig({
  site: { name: 'Bench', country: 'fr' },
  employees,
  departments: Array.from({ length: 6 }, (_, d) => ({
    name: `Dept ${d}`, extension: String(600 + d), members: employees.filter((_, i) => i % 6 === d).map((e) => e.extension),
    outside_calls: { day: 'national', night: 'none' }, trunk_groups: ['main'],
  })),
  lines: Array.from({ length: 8 }, (_, i) => ({ name: `City ${i + 1}`, type: 'fxo', port: i + 1, ...(i === 7 ? { reserved_for_incoming: true } : {}) })),
  trunk_groups: [
    { name: 'main', lines: ['City 1', 'City 2', 'City 3', 'City 8'] },
    { name: 'backup', hunt: 'round_robin', lines: ['City 4', 'City 5'] },
    { name: 'sales', hunt: 'least_used', lines: ['City 5', 'City 6', 'City 7'] },
    { name: 'night', lines: ['City 7', 'City 8'] },
  ],
});

const leg = {} as Channel;
const lines = config.lines.map((l): OutsideLine & { free: boolean } => ({ name: l.name, free: true, seize: () => leg }));
const outgoing = new OutgoingLines();
outgoing.add({ lines: () => lines, seize: () => undefined });

const NUMBERS = ['00140000001', '0 06 12 34 56 78', '+33 6 12 34 56 78', '00800123456', '00892123456', '0004420794600', '+44 20 7946 0000', '112', '#31#00612345678', '0033140000001'];
let seed = 1;
const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);

function decide(): boolean {
  const owner = employees[rand(employees.length)]!.extension;
  const dest = resolveDialled(config, NUMBERS[rand(NUMBERS.length)]!, { final: true });
  if (dest.kind !== 'outside') throw new Error('the bench numbers are all outside numbers');
  if (outsideCallVerdict(config, owner, dest, rand(2) ? 'day' : 'night').barred) return false;
  return outgoing.seize(config, dest.number, { number: owner }, { owner, withhold: dest.withheld === true }) !== undefined;
}

const times = new Float64Array(N);
let barredOrBusy = 0;
for (let i = 0; i < 5000; i++) decide(); // warm-up (JIT)
for (let i = 0; i < N; i++) {
  for (const l of lines) l.free = rand(3) !== 0;
  const t0 = performance.now();
  if (!decide()) barredOrBusy++;
  times[i] = performance.now() - t0;
}
times.sort();
const q = (p: number): string => times[Math.min(N - 1, Math.floor(p * N))]!.toFixed(4);
console.log(`outgoing decisions: ${N} (${barredOrBusy} barred or no line), p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${times[N - 1]!.toFixed(3)} ms`);
