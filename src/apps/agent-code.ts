/**
 * Application `agent`: an employee dialled `*45` (log in), `*46` (log out), `*47` (pause) or
 * `*48` (unpause), optionally followed by a queue's extension (that queue only; without
 * one: every queue they are an agent of) or — for `*45`/`*46` — a department's extension,
 * which logs them in or out of that department's hunt group (department.ts skips members
 * logged out). The change is applied (acd/agent-control.ts), published (`queue.agent`) and
 * confirmed with three short beeps; a code that does not apply (not an agent of that queue,
 * not a member of that department, pausing while logged out) gets the wrong-number answer
 * and `feature.refused`.
 */
import type { HangupCause } from '../channels/channel.js';
import type { Destination } from '../core/dialplan.js';
import type { AppContext } from '../core/session.js';
import { AgentControlError, controlAgent, type AgentAction } from '../acd/agent-control.js';
import { renderTone } from '../media/tones/generator.js';
import { tonePlan, type CountryCode } from '../media/tones/plans.js';
import { play } from './play.js';

const ACTIONS: Record<Extract<Destination, { kind: 'agent' }>['feature'], AgentAction> = {
  agent_login: 'login', agent_logout: 'logout', agent_pause: 'pause', agent_unpause: 'unpause',
};

/** As the other feature codes: the tone plans' three 100 ms beeps and their gaps. */
const CONFIRMATION_MS = 600;

export async function agentCode(ctx: AppContext, dest: Extract<Destination, { kind: 'agent' }>): Promise<HangupCause> {
  const me = ctx.caller.owner;
  const acd = ctx.office?.acd;
  const config = ctx.config;
  const refuse = (reason: string): HangupCause => {
    ctx.log.info({ call: ctx.record.id, from: me, feature: dest.feature, reason }, 'agent code refused');
    ctx.events.emit('feature.refused', { extension: me, feature: dest.feature, reason });
    return 'not-found';
  };
  if (!acd || !config || !config.employees.some((e) => e.extension === me)) return refuse('not an employee\'s phone');
  const action = ACTIONS[dest.feature];
  const department = dest.target !== undefined ? config.departments.find((d) => d.extension === dest.target) : undefined;
  if (department) {
    if (action !== 'login' && action !== 'logout') return refuse('a department is logged in and out of, not paused');
    if (!department.members.includes(me)) return refuse(`not a member of department ${department.extension}`);
    acd.setDepartmentLogin(me, department.extension, action === 'login');
    ctx.log.info({ call: ctx.record.id, extension: me, department: department.extension, action }, 'department log-in changed');
    ctx.events.emit('employee.state', { extension: me, by: `phone:${me}`, feature: dest.feature, state: { department: department.extension, logged_in: action === 'login' } });
  } else {
    try {
      const a = controlAgent(acd.engine, me, action, { ...(dest.target !== undefined ? { queue: dest.target } : {}), by: `phone:${me}` });
      ctx.log.info({ call: ctx.record.id, extension: me, action, queue: dest.target, state: a.state }, 'agent code applied');
    } catch (err) {
      if (err instanceof AgentControlError) return refuse(err.message);
      throw err;
    }
  }
  ctx.caller.answer();
  const country = config.site.country.toUpperCase() as CountryCode;
  await play(ctx, ctx.caller, renderTone(tonePlan(country).confirmation, CONFIRMATION_MS));
  return 'normal';
}
