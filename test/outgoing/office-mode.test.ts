/**
 * The office-mode seam: the switch asks its OfficeModeSource (the schedules, once wired)
 * which mode is in force for each outside call, and bars by it; without one it is day.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { EventBus } from '../../src/core/events.js';
import { Switch } from '../../src/core/switch.js';
import { validateConfig } from '../../src/config/validate.js';
import type { Channel } from '../../src/channels/channel.js';
import { FakeChannel } from '../helpers/fake-channel.js';
import { example } from '../config/example.js';
import { OfficeMode } from '../../src/core/office-mode.js';
import { FailureLimiter } from '../../common/failure-limiter.js';
import { MODE_PIN_LIMIT } from '../../src/apps/office-mode-code.js';

function setup(withOffice = false) {
  const raw = example();
  raw.employees[0].outside_calls = { day: 'national', night: ['freephone'] };
  const config = validateConfig(raw);
  const clock = new FakeClock();
  const events = new EventBus(() => clock.now());
  // The exchange's own wiring (main.ts): the office mode machine of the incoming side.
  const mode = new OfficeMode({ clock, log: silentLogger(), events, config: () => config, store: { forced: () => undefined, saveForced: () => {}, clearForced: () => {} } });
  const office = { mode, modePin: () => '000000', pinFailures: new FailureLimiter(clock, MODE_PIN_LIMIT) };
  const sw = new Switch({ clock, log: silentLogger(), events, config: () => config, ...(withOffice ? { office } : {}) });
  const dialled: string[] = [];
  sw.addOutsideLines({ seize: (n): Channel => (dialled.push(n), new FakeChannel('outbound', 'City 1')) });
  const call = async (number: string): Promise<FakeChannel> => {
    const a = new FakeChannel('inbound', '201');
    sw.accept(a);
    a.dial(number);
    await new Promise((r) => setImmediate(r));
    // Each call ends before the next (an employee may have only 2 outside calls at once: outgoing/limits.ts).
    a.hangup('normal');
    await new Promise((r) => setImmediate(r));
    return a;
  };
  return { sw, dialled, call, mode };
}

test('without a mode source it is day: a mobile goes out', async () => {
  const { dialled, call } = setup();
  await call('00612345678');
  assert.equal(dialled, ['0612345678']);
});

test('at night (the wired source says so) the mobile is barred, freephone and emergency still go out', async () => {
  const { sw, dialled, call } = setup();
  let mode = 'night';
  sw.setOfficeMode({ currentMode: () => mode });
  assert.is((await call('00612345678')).cause, 'barred');
  await call('00800123456');
  await call('112');
  assert.equal(dialled, ['0800123456', '112']);
  mode = 'day';
  await call('00612345678');
  assert.equal(dialled.at(-1), '0612345678', 'the mode is asked per call');
});

test('the office mode machine drives barring: night forced from the API or *55 bars the mobile, the schedule back allows it', async () => {
  const { dialled, call, mode } = setup(true);
  mode.force('night', 'test');
  assert.is((await call('00612345678')).cause, 'barred');
  await call('00800123456');
  assert.equal(dialled, ['0800123456']);
  mode.release('test');
  mode.force('day', 'test');
  await call('00612345678');
  assert.equal(dialled.at(-1), '0612345678');
  mode.close();
});

test.run();
