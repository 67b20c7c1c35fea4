/**
 * What the sticky manager's unit tests share: a Moscow office (country ru, city prefix
 * 495) with a director (201, an exception) and three managers, its call records in a real
 * SQLite file, a log that the tests read (to check that no token is ever written), and a
 * StickyService over them.
 */
import { pino } from 'pino';
import { FakeClock, type Clock } from '../../common/clock.js';
import { validateConfig } from '../../src/config/validate.js';
import type { Config } from '../../src/config/schema.js';
import type { CallRecordData } from '../../src/core/call-record.js';
import { CdrRepository } from '../../src/store/cdr-repo.js';
import { openDatabase, type Db } from '../../src/store/db.js';
import { StickyService } from '../../src/sticky/lookup.js';
import { tempDir } from '../helpers/tmp.js';

export const DAY = 86_400_000;
/** The customer: 8 (495) 123-45-67. */
export const CUSTOMER = { local: '1234567', national: '84951234567', e164: '+74951234567' };

export function officeConfig(sticky: Record<string, unknown>): Config {
  return validateConfig({
    site: { name: 'Moscow office', country: 'ru', timezone: 'Europe/Moscow' },
    employees: [
      { name: 'Director', extension: '201', role: 'admin', password: 'director-pass-1', devices: [{ type: 'sip' }] },
      { name: 'Anna', extension: '202', devices: [{ type: 'sip' }], crm_user_id: '9001', email: 'anna@example.ru' },
      { name: 'Boris', extension: '203', devices: [{ type: 'sip' }] },
      { name: 'Vera', extension: '204', devices: [{ type: 'sip' }], email: 'Vera@Example.ru' },
    ],
    departments: [{ name: 'Sales', extension: '600', members: ['202', '203', '204'], sticky: true }],
    sticky: { city_prefix: '495', exceptions: ['201'], ...sticky },
  });
}

export interface StickyOffice {
  db: Db;
  cdr: CdrRepository;
  clock: Clock;
  service: StickyService;
  logs: string[];
  setConfig(c: Config): void;
  /** A customer's call from the city answered by `ext` (`transferredTo`: passed on to), `daysAgo`, talking `talkS`. */
  incoming(from: string, ext: string, daysAgo: number, talkS: number, transferredTo?: string): void;
  /** `ext` called `dialled` (with the outside-line prefix) `daysAgo`, talking `talkS`. */
  outgoing(ext: string, dialled: string, daysAgo: number, talkS: number): void;
}

let n = 0;

export function stickyOffice(config: Config, clock: Clock = new FakeClock(Date.parse('2026-03-02T09:00:00Z'))): StickyOffice {
  const db = openDatabase(`${tempDir()}/data`);
  const cdr = new CdrRepository(db);
  const logs: string[] = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => void logs.push(s) });
  let current = config;
  const listeners: Array<() => void> = [];
  const service = new StickyService({ clock, log, config: () => current, db, onConfigChange: (l) => listeners.push(l) });
  const write = (r: Omit<CallRecordData, 'id' | 'channel' | 'bridges'>): void => cdr.write({ id: `call-${++n}`, channel: `ch-${n}`, bridges: [], ...r });
  const times = (daysAgo: number, talkS: number) => {
    const startedAt = clock.now() - daysAgo * DAY;
    return { startedAt, answeredAt: startedAt + 5000, endedAt: startedAt + 5000 + talkS * 1000 };
  };
  return {
    db, cdr, clock, service, logs,
    setConfig: (c) => {
      current = c;
      for (const l of listeners) l();
    },
    incoming: (from, ext, daysAgo, talkS, transferredTo) => {
      const t = times(daysAgo, talkS);
      write({
        from, owner: 'City 1', to: '0140000001', tech: 'fxo', ...t, cause: 'normal', disposition: 'answered',
        legs: [{ channel: `leg-${n}`, owner: ext, tech: 'sip', offeredAt: t.startedAt, answeredAt: t.answeredAt, endedAt: t.endedAt }],
        ...(transferredTo ? { transfers: [{ at: t.answeredAt + 1000, by: ext, target: transferredTo, kind: 'blind' as const }] } : {}),
      });
    },
    outgoing: (ext, dialled, daysAgo, talkS) => {
      const t = times(daysAgo, talkS);
      write({
        from: ext, owner: ext, to: dialled, tech: 'sip', ...t, cause: 'normal', disposition: 'answered',
        legs: [{ channel: `leg-${n}`, owner: 'City 1', tech: 'fxo', offeredAt: t.startedAt, answeredAt: t.answeredAt, endedAt: t.endedAt }],
      });
    },
  };
}
