/**
 * The sticky manager's lookup in the call records (issue 14): how long `find()` takes for a
 * caller when the exchange has kept a year of calls, the history source reading a real
 * SQLite file through the indexes of migration 16.
 *
 *   npx tsx bench/sticky/run.ts [--records 200000] [--lookups 20000]
 *
 * 200,000 call records over 365 days (the in/out mix of a small sales office: 20,000
 * customers, 30 employees, a tenth transferred, a fifth too short to count, outgoing calls
 * counted), then `lookups` lookups of random numbers — known customers and strangers, in
 * local, national and E.164 forms — with the cache off, so each one reads the store.
 * Prints p50/p99/max in ms.
 */
import { parseArgs } from 'node:util';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { validateConfig } from '../../src/config/validate.js';
import { CdrRepository } from '../../src/store/cdr-repo.js';
import { openDatabase } from '../../src/store/db.js';
import { StickyService } from '../../src/sticky/lookup.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const { values } = parseArgs({ options: { records: { type: 'string', default: '200000' }, lookups: { type: 'string', default: '20000' } } });
const RECORDS = Number(values.records);
const LOOKUPS = Number(values.lookups);
const DAY = 86_400_000;
const now = Date.parse('2026-12-01T12:00:00Z');
const clock = new FakeClock(now);

let seed = 7;
const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
const employees = Array.from({ length: 30 }, (_, i) => String(200 + i));
const customer = (i: number): string => String(1_000_000 + i * 37);

const config = validateConfig({
  site: { name: 'Bench', country: 'ru', timezone: 'Europe/Moscow' },
  employees: employees.map((ext, i) => ({ name: `Employee ${ext}`, extension: ext, ...(i === 0 ? { role: 'admin', password: 'change-me-200' } : {}) })),
  sticky: { sources: ['history'], city_prefix: '495', include_outgoing: true, look_back_days: 180, exceptions: ['200'], cache: { found_ttl_s: 0, not_found_ttl_s: 0 } },
});

const dir = mkdtempSync(join(tmpdir(), 'autocom-bench-sticky-'));
const db = openDatabase(dir);
const cdr = new CdrRepository(db);
const forms = [(c: string) => c, (c: string) => `8495${c}`, (c: string) => `+7495${c}`];
const fill = db.transaction(() => {
  for (let i = 0; i < RECORDS; i++) {
    const startedAt = now - rand(365 * DAY);
    const ext = employees[rand(employees.length)]!;
    const c = customer(rand(20_000));
    const talk = rand(5) === 0 ? 3 : 20 + rand(600);
    const outgoing = rand(4) === 0;
    const t = { startedAt, answeredAt: startedAt + 4000, endedAt: startedAt + 4000 + talk * 1000 };
    cdr.write(outgoing
      ? { id: `c${i}`, channel: `ch${i}`, bridges: [], from: ext, owner: ext, to: `08495${c}`, tech: 'sip', ...t, cause: 'normal', disposition: 'answered', legs: [{ channel: `l${i}`, owner: 'City 1', tech: 'fxo', offeredAt: startedAt, answeredAt: t.answeredAt }] }
      : { id: `c${i}`, channel: `ch${i}`, bridges: [], from: forms[rand(3)]!(c), owner: 'City 1', to: '74950000000', tech: 'fxo', ...t, cause: 'normal', disposition: 'answered',
          legs: [{ channel: `l${i}`, owner: ext, tech: 'sip', offeredAt: startedAt, answeredAt: t.answeredAt }],
          ...(rand(10) === 0 ? { transfers: [{ at: t.answeredAt + 1000, by: ext, target: employees[rand(employees.length)]!, kind: 'blind' as const }] } : {}) });
  }
});
const filled = performance.now();
fill();
console.log(`${RECORDS} call records written in ${Math.round(performance.now() - filled)} ms`);

const service = new StickyService({ clock, log: silentLogger(), config: () => config, db });
const times: number[] = [];
let found = 0;
for (let i = 0; i < LOOKUPS; i++) {
  const c = rand(3) === 0 ? String(5_000_000 + i) : customer(rand(20_000)); // a third are strangers
  const t0 = performance.now();
  if (await service.find(forms[rand(3)]!(c))) found++;
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const q = (p: number): string => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(3);
console.log(`${LOOKUPS} lookups (${found} found): p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${times.at(-1)!.toFixed(1)} ms`);
db.close();
rmSync(dir, { recursive: true, force: true });
