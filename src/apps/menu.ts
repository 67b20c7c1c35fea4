/**
 * A voice menu (auto attendant; user doc: menu.md): the exchange answers, plays the menu's
 * greeting and reads the caller's key with the collect verb (RFC 4733, SIP INFO or tones
 * on an analog line: collect.ts), whose first key interrupts the greeting.
 *
 * - A key with a choice takes it: a department, an employee, one of the site's numbers or
 *   an outside number (number.ts `routeTo`), a submenu, `repeat`, `back` (the menu the
 *   caller came from; at the top, the same menu again), `hangup` after a message, `disa`
 *   (an outside line after a PIN: disa.ts).
 * - A first key without a choice that begins an extension (employee, department, menu)
 *   collects the rest of it, one key at a time, until it is one (`direct_dial`).
 * - A wrong key or `timeout_s` of silence after the greeting plays the invalid or no-input
 *   prompt and the greeting again, `retries` times; then the menu's default (absent: hang up).
 *
 * Every timer runs on the call's clock. Every step is a `route.step` event with the path.
 */
import type { HangupCause } from '../channels/channel.js';
import type { Config, Menu, MenuAction } from '../config/schema.js';
import type { Destination } from '../core/dialplan.js';
import type { AppContext } from '../core/session.js';
import { collectDigits, type Collected } from './collect.js';
import { promptFor } from './prompts.js';
import { routeTo } from './number.js';
import { outsideAccess } from './disa.js';
import { playPrompt, routeStep } from './route-steps.js';

/** Menus entered (and greetings repeated) in one call: the import refuses loops of defaults, this bounds what a caller or a live reconfiguration could still do. */
const MAX_MENUS = 32;

export async function menu(ctx: AppContext, dest: Extract<Destination, { kind: 'menu' }>): Promise<HangupCause> {
  return runMenu(ctx, dest.menu, []);
}

/** Run `first` (and the submenus the caller goes to) for the call in `ctx`; `path` is the route so far. */
export async function runMenu(ctx: AppContext, first: Menu, path: string[]): Promise<HangupCause> {
  ctx.caller.answer(); // the caller keys in after hearing the greeting: the call is answered
  const trail: Menu[] = []; // the menus the caller came through, for `back`
  let m = first;
  let entered = 0;
  for (;;) {
    if (++entered > MAX_MENUS) {
      ctx.log.warn({ call: ctx.record.id, path }, 'voice menus go on too long; hanging up');
      return 'normal';
    }
    const here = [...path, ...trail.map((t) => `menu:${t.extension}`), `menu:${m.extension}`];
    routeStep(ctx, 'menu', here, { extension: m.extension });
    const choice = await choose(ctx, m, here);
    if (choice === 'gone') return ctx.signal.aborted ? 'cancelled' : 'normal';
    const { action, key } = choice;
    const to = key === undefined ? here : [...here, `key:${key}`];
    switch (action.type) {
      case 'repeat':
        continue;
      case 'back':
        m = trail.pop() ?? m;
        continue;
      case 'menu': {
        const sub = ctx.config?.menus?.find((x) => x.extension === action.target);
        if (!sub) return 'not-found';
        trail.push(m);
        m = sub;
        continue;
      }
      case 'hangup':
        if (action.message) await playPrompt(ctx, action.message);
        return 'normal';
      case 'disa':
        return outsideAccess(ctx, m, to);
      default:
        return routeTo(ctx, { type: action.type, target: action.target!, ...(action.skills ? { skills: action.skills } : {}) }, to, 0);
    }
  }
}

type Choice = { action: MenuAction; key?: string } | 'gone';

/** Play the greeting until the caller chooses (a key, an extension) or the retries are spent (the default). */
async function choose(ctx: AppContext, m: Menu, here: string[]): Promise<Choice> {
  const config = ctx.config;
  const greeting = config ? promptFor(ctx, m.greeting) : undefined;
  if (!greeting) ctx.log.warn({ call: ctx.record.id, prompt: m.greeting }, 'no such prompt; the menu waits in silence');
  for (let attempt = 0; ; attempt++) {
    const got = await collectDigits(ctx, ctx.caller, { max_digits: 1, terminator: '', first_digit_timeout_ms: m.timeout_s * 1000 }, greeting ? { prompt: greeting } : {});
    if (got.end === 'gone' || got.end === 'cancelled') return 'gone';
    let problem: 'no-input' | 'invalid';
    let key = got.digits;
    if (key === '') problem = 'no-input';
    else {
      const action = m.choices[key as keyof Menu['choices']];
      if (action) {
        routeStep(ctx, 'key', here, { key, route: describe(action) });
        return { action, key };
      }
      const dialled = m.direct_dial && config ? await directDial(ctx, config, m, key) : { extension: undefined, gone: false };
      if (dialled.gone) return 'gone';
      if (dialled.extension) {
        routeStep(ctx, 'dialled', here, { key: dialled.extension, extension: dialled.extension });
        return { action: dialled.action!, key: dialled.extension };
      }
      key = dialled.keys ?? key;
      problem = 'invalid';
    }
    routeStep(ctx, problem, here, problem === 'invalid' ? { key } : {});
    if (attempt >= m.retries) {
      const action = m.default ?? { type: 'hangup' as const };
      routeStep(ctx, 'default', here, { route: describe(action) });
      return { action };
    }
    const end = await playPrompt(ctx, problem === 'invalid' ? m.invalid_prompt : m.no_input_prompt);
    if (end !== 'done') return 'gone';
  }
}

interface Dialled {
  extension?: string;
  action?: MenuAction;
  /** The keys pressed when they made no extension (for the log and the event). */
  keys?: string;
  gone: boolean;
}

/** `first` and the keys after it while they begin an extension: the employee, department or menu they make, if any. */
async function directDial(ctx: AppContext, config: Readonly<Config>, m: Menu, first: string): Promise<Dialled> {
  let keys = first;
  for (;;) {
    const found = internalExtension(config, keys);
    if (found === 'none') return { keys, gone: false };
    if (found !== 'prefix') return { extension: keys, action: found, gone: false };
    const more: Collected = await collectDigits(ctx, ctx.caller, { max_digits: 1, terminator: '', first_digit_timeout_ms: m.inter_digit_timeout_s * 1000 });
    if (more.end === 'gone' || more.end === 'cancelled') return { gone: true };
    if (more.digits === '') return { keys, gone: false };
    keys += more.digits;
  }
}

/** What `keys` are among the internal extensions a menu's caller may dial: one of them (as an action), the start of one, or neither. */
function internalExtension(config: Readonly<Config>, keys: string): MenuAction | 'prefix' | 'none' {
  const all: Array<[string, MenuAction['type']]> = [
    ...config.employees.map((e) => [e.extension, 'employee'] as [string, MenuAction['type']]),
    ...config.departments.map((d) => [d.extension, 'department'] as [string, MenuAction['type']]),
    ...(config.menus ?? []).map((x) => [x.extension, 'menu'] as [string, MenuAction['type']]),
  ];
  const exact = all.find(([ext]) => ext === keys);
  if (exact) return { type: exact[1], target: exact[0] };
  return all.some(([ext]) => ext.startsWith(keys)) ? 'prefix' : 'none';
}

const describe = (a: MenuAction): { type: string; target?: string } => ({ type: a.type, ...(a.target ? { target: a.target } : {}) });
