/**
 * The routing decision of an incoming call (issue 11's target: p99 ≤ 1 ms with 2,000
 * employees and 200 departments): the dial plan finds the number among the site's numbers
 * (resolveDialled, after the employees and departments it checks first), the office mode
 * machine says the mode, the number's route for it is chosen (core/routing-decision.ts),
 * and the department's members are asked for their availability (core/availability.ts, DND from the live state) with
 * 1,000 live channels in the registry. No voice menus yet (they come with their issue).
 *
 * Usage: npx tsx bench/routing/run.ts [decisions=100000]
 */
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { validateConfig } from '../../src/config/validate.js';
import { resolveDialled } from '../../src/core/dialplan.js';
import { EventBus } from '../../src/core/events.js';
import { OfficeMode } from '../../src/core/office-mode.js';
import { ChannelRegistry } from '../../src/core/channels.js';
import { availability } from '../../src/core/availability.js';
import { MemoryLiveState } from '../../src/store/live-state.js';
import { decideNumber } from '../../src/core/routing-decision.js';
import { FakeChannel } from '../../test/helpers/fake-channel.js';

const DECISIONS = Number(process.argv[2] ?? 100_000);
const EMPLOYEES = 2000;
const DEPARTMENTS = 200;
const MEMBERS = 10;

const weekday = { day: ['08:30-18:00'], lunch: ['12:30-13:30'] };
const employees = Array.from({ length: EMPLOYEES }, (_, i) => ({
  name: `Employee ${i}`, extension: String(20000 + i), role: i === 0 ? 'admin' : 'user', ...(i === 0 ? { password: 'bench-admin-password' } : {}),
  devices: [{ type: 'sip' }],
}));
const departments = Array.from({ length: DEPARTMENTS }, (_, d) => ({
  name: `Department ${d}`, extension: String(600 + d), strategy: 'one_by_one',
  members: Array.from({ length: MEMBERS }, (_, m) => String(20000 + ((d * MEMBERS + m) % EMPLOYEES))),
  no_answer: { type: 'employee', target: '20000' },
}));
const lines = Array.from({ length: 8 }, (_, i) => ({ name: `City ${i + 1}`, type: 'fxo', port: i + 1 }));
const numbers = departments.map((d, i) => ({
  number: `01400${String(i).padStart(5, '0')}`, line: `City ${(i % 8) + 1}`,
  routes: { day: { type: 'department', target: d.extension }, night: { type: 'employee', target: '20000' }, lunch: { type: 'department', target: departments[(i + 1) % DEPARTMENTS]!.extension } },
}));
const config = validateConfig({
  site: { name: 'Bench office', country: 'fr', timezone: 'Europe/Paris' },
  schedule: { mon: weekday, tue: weekday, wed: weekday, thu: weekday, fri: weekday, holidays: ['2026-12-25'] },
  employees, departments, lines, numbers,
});

const clock = new FakeClock(Date.parse('2026-01-05T10:00Z'));
const mode = new OfficeMode({ clock, log: silentLogger(), events: new EventBus(() => clock.now()), config: () => config, store: { forced: () => undefined, saveForced: () => {}, clearForced: () => {} } });
const channels = new ChannelRegistry();
for (let i = 0; i < 1000; i++) {
  const leg = new FakeChannel('outbound', String(20000 + ((i * 7) % EMPLOYEES)));
  leg.call({ number: '0612345678' });
  leg.deviceAnswers();
  channels.add(leg);
}
const liveState = new MemoryLiveState();
const presence = {
  availability: (ext: string) => availability({ config: () => config, channelsOf: (e) => channels.byOwner(e), liveState, reachable: () => true }, ext),
};

let sink = 0;
function decide(digits: string): void {
  const dest = resolveDialled(config, digits, { final: true });
  if (dest.kind !== 'number') throw new Error(`${digits} is not one of the site's numbers`);
  const { route } = decideNumber(dest.entry, { mode: mode.mode, forced: mode.forced });
  if (route?.type !== 'department') throw new Error('expected a department route by day');
  const d = config.departments.find((x) => x.extension === route.target)!;
  for (const m of d.members) if (presence.availability(m) === 'free') sink++;
}

for (let i = 0; i < 2000; i++) decide(numbers[i % numbers.length]!.number); // warm up
const samples = new Float64Array(DECISIONS);
for (let i = 0; i < DECISIONS; i++) {
  const digits = numbers[(i * 37) % numbers.length]!.number;
  const t0 = performance.now();
  decide(digits);
  samples[i] = performance.now() - t0;
}
samples.sort();
const q = (p: number): string => `${(samples[Math.min(DECISIONS - 1, Math.floor(p * DECISIONS))]! * 1000).toFixed(1)} µs`;
console.log(JSON.stringify({ employees: EMPLOYEES, departments: DEPARTMENTS, members: MEMBERS, liveChannels: channels.size, decisions: DECISIONS, p50: q(0.5), p99: q(0.99), max: q(1 - 1e-9), available: sink }));
mode.close();
