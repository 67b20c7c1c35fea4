/**
 * A call to one of the site's numbers (a city line, a DID): the route the number has for
 * the office mode now (`lunch` and `holiday` fall back to `night`), its greeting first if
 * it has one (early media when the caller's leg offers it), then the route's target — an
 * employee or the receptionist, a director through their secretary's filter (secretary.ts), a department (department.ts), a voice menu (menu.ts), a call queue (queue.ts), another number (that
 * number's routing, or an outside number on a line), or only the greeting, then hang up.
 * The decision is a `route.step` event with the path: number → mode → what rang.
 */
import type { HangupCause } from '../channels/channel.js';
import type { NumberRoute } from '../config/schema.js';
import type { TargetRoute } from '../config/incoming-schema.js';
import { decideNumber, type ModeNow } from '../core/routing-decision.js';
import type { AppContext } from '../core/session.js';
import type { Destination } from '../core/dialplan.js';
import { leaveMessage } from './voicemail.js';
import { findMailbox } from '../config/mailboxes.js';
import { ringAndTalk, ringDepartment } from './department.js';
import { OUTSIDE_RING_MS, routedEmployee, runNumber } from './registry.js';
import { executiveOf } from '../secretary/decide.js';
import { playPrompt, routeStep } from './route-steps.js';
import { runMenu } from './menu.js';
import { runQueue } from './queue.js';

/** Numbers routed to numbers: the import refuses loops; this bounds what a live reconfiguration could still do. */
const MAX_HOPS = 6;

export async function number(ctx: AppContext, dest: Extract<Destination, { kind: 'number' }>): Promise<HangupCause> {
  return routeNumber(ctx, dest.entry, [], 0);
}

async function routeNumber(ctx: AppContext, entry: NumberRoute, path: string[], hops: number): Promise<HangupCause> {
  const state: ModeNow = ctx.office ? { mode: ctx.office.mode.mode, forced: ctx.office.mode.forced } : { mode: 'day', forced: false };
  const { route, path: here } = decideNumber(entry, state, path);
  ctx.log.info({ call: ctx.record.id, number: entry.number, mode: state.mode, forced: state.forced, route: route?.type, target: route?.target }, 'incoming number routed');
  if (!route) return 'not-found';
  routeStep(ctx, 'decided', here, { mode: state.mode, route: { type: route.type, ...(route.target ? { target: route.target } : {}), ...(route.greeting ? { greeting: route.greeting } : {}) } });
  if (route.greeting) {
    if (route.type === 'greeting' || !ctx.caller.progress) ctx.caller.answer();
    else ctx.caller.progress();
    const end = await playPrompt(ctx, route.greeting);
    if (end !== 'done') return 'cancelled';
  }
  if (route.type === 'greeting') return 'normal';
  return routeTo(ctx, route, here, hops);
}

/** Send the call to `route`'s target (employee, receptionist, department, voice menu, number). */
export async function routeTo(ctx: AppContext, route: Pick<TargetRoute, 'type' | 'target' | 'skills'>, path: string[], hops: number): Promise<HangupCause> {
  const target = route.target ?? '';
  const config = ctx.config;
  switch (route.type) {
    case 'employee':
    case 'receptionist': {
      const e = config?.employees.find((x) => x.extension === target);
      if (!e) return 'not-found';
      // A director's number: their secretary's filter decides (apps/secretary.ts).
      if (ctx.office?.secretary && executiveOf(config, target)) return runNumber(ctx, target);
      // As a dialled call: the employee's forwarding, do-not-disturb and mailbox apply (employee.ts).
      return routedEmployee(ctx, e, [...path, `${route.type}:${target}`]);
    }
    case 'secretary': {
      // "Calls to the director go to the secretary first": the call is the director's, and
      // their filter (apps/secretary.ts) decides who rings — the secretaries, the director
      // for a VIP, a polite message. Without the secretary service the director rings.
      const e = config?.employees.find((x) => x.extension === target);
      if (!e) return 'not-found';
      if (ctx.office?.secretary && executiveOf(config, target)) return runNumber(ctx, target);
      ctx.log.warn({ call: ctx.record.id, director: target }, 'secretary route without a filter for this director: the director rings');
      return routedEmployee(ctx, e, [...path, `employee:${target}`]);
    }
    case 'department': {
      const d = config?.departments.find((x) => x.extension === target);
      return d ? ringDepartment(ctx, d, path) : 'not-found';
    }
    case 'menu': {
      const m = config?.menus?.find((x) => x.extension === target);
      return m ? runMenu(ctx, m, path) : 'not-found';
    }
    case 'number': {
      const other = config?.numbers.find((n) => n.number === target);
      if (other) {
        if (hops >= MAX_HOPS) {
          ctx.log.warn({ call: ctx.record.id, path }, 'numbers route to numbers too many times; giving up');
          return 'congestion';
        }
        return routeNumber(ctx, other, path, hops + 1);
      }
      // An outside number the installer chose (a mobile on duty): a line, without the caller's barring.
      const cause = (await ringAndTalk(ctx, [ctx.outsideLine(target)], [...path, `outside:${target}`], { timeoutMs: OUTSIDE_RING_MS })).cause;
      return cause === 'unavailable' ? 'congestion' : cause;
    }
    case 'queue': {
      const q = config?.queues?.find((x) => x.extension === target);
      return q ? runQueue(ctx, q, path, route.skills, hops) : 'not-found';
    }
    case 'voicemail': {
      // A mailbox is named by its owner's extension (an employee's, a department's) or its own.
      const box = config ? findMailbox(config, target) : undefined;
      return box ? leaveMessage(ctx, box) : 'not-found';
    }
    default:
      ctx.log.warn({ call: ctx.record.id, type: route.type }, 'route type not available yet');
      return 'not-found';
  }
}
