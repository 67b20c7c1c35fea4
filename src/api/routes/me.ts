/**
 * An employee's own forwarding and do-not-disturb (live state, store/live-state.ts) — not
 * the admin's PUT /api/config:
 *
 * - `GET/PUT /api/me/forwarding`, `GET/PUT /api/me/dnd` (role user): the signed-in employee's;
 * - `GET/PUT /api/employees/:ext/forwarding`, `…/dnd` (role admin): any employee's.
 *
 * GET gives what is in force (the live state over the configuration's defaults):
 * `{ all, busy, no_answer, no_answer_s, call_waiting }` with `null` for a forward not set,
 * and `{ dnd }`. PUT takes the same keys, each optional (absent: unchanged; `null`: off),
 * validated by zod (400 with the issues), then checked as a phone's feature code is (422 with
 * the reason: a target that leads nowhere, barred, or closing a loop); a change is published
 * as `employee.state`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as z from 'zod';
import type { Config, Employee } from '../../config/schema.js';
import { forwardTargetSchema } from '../../config/schema.js';
import { effectiveForwarding } from '../../core/forwarding.js';
import type { RemoteNumbers } from '../../core/dialplan.js';
import type { EventBus } from '../../core/events.js';
import type { EmployeeState, LiveStateStore } from '../../store/live-state.js';
import { stateProblem } from '../../apps/feature-code.js';
import { outsideBarring } from '../../apps/registry.js';

const target = forwardTargetSchema.nullable().optional();
const ForwardingBody = z
  .object({ all: target, busy: target, no_answer: target, no_answer_s: z.number().int().min(3).max(120).optional(), call_waiting: z.boolean().optional() })
  .strict();
const DndBody = z.object({ dnd: z.boolean() }).strict();
const ExtParams = z.object({ ext: z.string().regex(/^[1-9][0-9]{1,5}$/) });

export interface MeDeps {
  config: () => Readonly<Config> | null;
  liveState: LiveStateStore;
  events: EventBus;
  /** The other sites' numbers now (a forward to a colleague at another site); absent outside a network. */
  remote?: () => RemoteNumbers | undefined;
}

export function meRoutes(app: FastifyInstance, deps: MeDeps): void {
  /** The employee a request is about: its own (me) or the one in the URL (admin); replies 404 itself. */
  const whose = (req: FastifyRequest, reply: FastifyReply): { config: Readonly<Config>; employee: Employee } | undefined => {
    const config = deps.config();
    const asked = (req.params as { ext?: string }).ext; // the admin routes name the employee; /api/me is the caller
    const ext = asked === undefined ? req.principal!.extension : ExtParams.safeParse({ ext: asked }).success ? asked : undefined;
    const employee = config?.employees.find((e) => e.extension === ext);
    if (!config || !employee) {
      void reply.code(404).send({ error: ext === undefined ? 'not an extension' : `no employee has extension ${ext}` });
      return undefined;
    }
    return { config, employee };
  };
  const forwardingView = (employee: Employee) => {
    const f = effectiveForwarding(employee, deps.liveState.employee(employee.extension));
    return { all: f.all ?? null, busy: f.busy ?? null, no_answer: f.no_answer ?? null, no_answer_s: f.no_answer_s, call_waiting: f.call_waiting };
  };
  const change = (req: FastifyRequest, reply: FastifyReply, config: Readonly<Config>, employee: Employee, patch: EmployeeState): boolean => {
    const problem = stateProblem(config, employee, patch, deps.liveState, outsideBarring, deps.remote?.());
    if (problem) {
      req.log.info({ extension: employee.extension, by: req.principal?.extension, reason: problem.message }, 'live state change refused');
      void reply.code(422).send({ error: problem.message });
      return false;
    }
    const by = `api:${req.principal!.extension}`;
    const state = deps.liveState.update(employee.extension, patch, by);
    req.log.info({ extension: employee.extension, by, ...patch }, 'live state changed');
    deps.events.emit('employee.state', { extension: employee.extension, by, state });
    return true;
  };

  for (const [prefix, role] of [['/api/me', 'user'], ['/api/employees/:ext', 'admin']] as const) {
    app.get(`${prefix}/forwarding`, { config: { role } }, async (req, reply) => {
      const who = whose(req, reply);
      return who && forwardingView(who.employee);
    });
    app.put(`${prefix}/forwarding`, { config: { role } }, async (req, reply) => {
      const body = ForwardingBody.safeParse(req.body);
      if (!body.success) return reply.code(400).send({ error: 'invalid forwarding', issues: body.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
      const who = whose(req, reply);
      if (!who) return reply;
      const b = body.data;
      const patch: EmployeeState = {
        ...(b.all !== undefined ? { forward_all: b.all } : {}),
        ...(b.busy !== undefined ? { forward_busy: b.busy } : {}),
        ...(b.no_answer !== undefined ? { forward_no_answer: b.no_answer } : {}),
        ...(b.no_answer_s !== undefined ? { no_answer_s: b.no_answer_s } : {}),
        ...(b.call_waiting !== undefined ? { call_waiting: b.call_waiting } : {}),
      };
      return change(req, reply, who.config, who.employee, patch) ? forwardingView(who.employee) : reply;
    });
    app.get(`${prefix}/dnd`, { config: { role } }, async (req, reply) => {
      const who = whose(req, reply);
      return who && { dnd: deps.liveState.employee(who.employee.extension).dnd ?? false };
    });
    app.put(`${prefix}/dnd`, { config: { role } }, async (req, reply) => {
      const body = DndBody.safeParse(req.body);
      if (!body.success) return reply.code(400).send({ error: 'give { "dnd": true } or { "dnd": false }' });
      const who = whose(req, reply);
      if (!who) return reply;
      return change(req, reply, who.config, who.employee, { dnd: body.data.dnd }) ? { dnd: body.data.dnd } : reply;
    });
  }
}
