/**
 * Call queues (src/acd, apps/queue.md). Roles stay admin and user: an admin sees and
 * manages every queue; a queue's `supervisors` see its figures and reports and may log its
 * agents in and out; an agent may log themselves in, out, pause and unpause.
 *
 * - GET /api/queues: the queues the caller may see, each with `waiting`, `longest_wait_s`,
 *   its agents and their states, `service_level`, `sl2`, `asa_s`, `abandon_rate`, `occupancy`…
 * - GET /api/queues/:ext: one queue (404 unknown, 403 not theirs).
 * - POST /api/queues/agents/:agent/{login|logout|pause|unpause} `{ queue?, reason? }`.
 * - GET /api/queues/:ext/report?interval=15min|day|month&from=&to=&format=csv
 * - GET /api/queues/:ext/staffing?calls_per_hour=&handle_s=&target_s=&target_level=
 *   (Erlang C: the agents needed; a parameter left out takes the queue's measured figure).
 * - GET /api/queues/:ext/recordings (each with its call id, as the CDR has it) and
 *   GET /api/queues/:ext/recordings/:file (the WAV) — an admin or the queue's supervisors.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as z from 'zod';
import type { Config, Queue } from '../../config/schema.js';
import type { Acd } from '../../acd/acd.js';
import { AgentControlError, agentView, controlAgent } from '../../acd/agent-control.js';
import type { QueueEventsRepository } from '../../acd/events-repo.js';
import { queueReport, REPORT_INTERVALS } from '../../acd/reports.js';
import { staffing } from '../../acd/staffing.js';
import { toCsv } from '../csv.js';
import { createReadStream } from 'node:fs';
import { listRecordings, recordingPath } from '../../acd/queue-recording.js';

export interface QueuesDeps {
  acd: Acd;
  config: () => Readonly<Config> | null;
  outcomes?: QueueEventsRepository;
  now: () => number;
  recordingsDir?: string;
}

const Ext = z.string().regex(/^[1-9][0-9]{1,5}$/);
const Action = z.enum(['login', 'logout', 'pause', 'unpause']);
const ControlBody = z.object({ queue: Ext.optional(), reason: z.string().trim().min(1).max(40).regex(/^[\p{L}\p{N} _.-]+$/u, 'letters, digits, spaces, _ . -').optional() }).strict();
const num = (min: number, max: number) => z.coerce.number().min(min).max(max).optional();
const StaffingQuery = z.object({ calls_per_hour: num(0.01, 1_000_000), handle_s: num(1, 86_400), target_s: num(0, 3600), target_level: num(0.01, 0.9999) }).strict();
const ReportQuery = z.object({
  interval: z.enum(REPORT_INTERVALS).default('day'),
  from: z.string().optional(),
  to: z.string().optional(),
  format: z.enum(['json', 'csv']).default('json'),
}).strict();

function bad(reply: FastifyReply, error: z.ZodError): FastifyReply {
  const errors = error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
  return reply.code(400).send({ error: `bad request: ${errors.join('; ')}`, errors });
}

export function queuesRoutes(app: FastifyInstance, deps: QueuesDeps): void {
  const mayWatch = (req: FastifyRequest, q: Queue): boolean => req.principal?.role === 'admin' || q.supervisors.includes(req.principal?.extension ?? '');
  /** The queue of `:ext` the caller may watch, or the reply sent. */
  const watched = (req: FastifyRequest<{ Params: { ext: string } }>, reply: FastifyReply): Queue | undefined => {
    const q = deps.config()?.queues?.find((x) => x.extension === req.params.ext);
    if (!q) return void reply.code(404).send({ error: `no queue ${req.params.ext}` });
    if (!mayWatch(req, q)) return void reply.code(403).send({ error: 'only an admin or this queue\'s supervisors see it' });
    return q;
  };

  app.get('/api/queues', { config: { role: 'user' } }, async (req) => ({
    queues: deps.acd.list().filter((v) => req.principal?.role === 'admin' || v.supervisors.includes(req.principal?.extension ?? '')),
    me: req.principal && deps.acd.engine.queuesWith(req.principal.extension).length ? agentView(deps.acd.engine.agents.get(req.principal.extension)) : null,
  }));

  app.get<{ Params: { ext: string } }>('/api/queues/:ext', { config: { role: 'user' } }, async (req, reply) => {
    const q = watched(req, reply);
    return q ? deps.acd.view(q.extension) : reply;
  });

  app.post<{ Params: { agent: string; action: string } }>('/api/queues/agents/:agent/:action', { config: { role: 'user' } }, async (req, reply) => {
    const action = Action.safeParse(req.params.action);
    if (!action.success || !Ext.safeParse(req.params.agent).success) return reply.code(404).send({ error: 'no such route' });
    const body = ControlBody.safeParse(req.body ?? {});
    if (!body.success) return bad(reply, body.error);
    const me = req.principal!;
    const agent = req.params.agent;
    const queues = deps.acd.engine.queuesWith(agent).filter((q) => body.data.queue === undefined || q.extension === body.data.queue);
    const supervises = queues.length > 0 && queues.every((q) => q.supervisors.includes(me.extension));
    const allowed = me.role === 'admin' || me.extension === agent || (supervises && (action.data === 'login' || action.data === 'logout'));
    if (!allowed) return reply.code(403).send({ error: 'an admin, the agent, or (log in and out only) the queue\'s supervisors' });
    try {
      const a = controlAgent(deps.acd.engine, agent, action.data, { ...(body.data.queue ? { queue: body.data.queue } : {}), ...(body.data.reason ? { reason: body.data.reason } : {}), by: `api:${me.extension}` });
      return agentView(a);
    } catch (err) {
      if (err instanceof AgentControlError) return reply.code(err.status).send({ error: err.message });
      throw err;
    }
  });

  app.get<{ Params: { ext: string }; Querystring: Record<string, string> }>('/api/queues/:ext/report', { config: { role: 'user' } }, async (req, reply) => {
    const q = watched(req, reply);
    if (!q) return reply;
    const parsed = ReportQuery.safeParse(req.query);
    if (!parsed.success) return bad(reply, parsed.error);
    if (!deps.outcomes) return reply.code(503).send({ error: 'no store for reports' });
    const to = parsed.data.to !== undefined ? Date.parse(parsed.data.to) : deps.now() + 1;
    const from = parsed.data.from !== undefined ? Date.parse(parsed.data.from) : to - 31 * 86_400_000;
    if (!Number.isFinite(from) || !Number.isFinite(to) || from >= to) return reply.code(400).send({ error: 'bad request: from and to must be ISO 8601 dates, from before to' });
    const rows = queueReport(deps.outcomes, q.extension, parsed.data.interval, deps.config()!.site.timezone, from, to, q.service_level_s);
    if (parsed.data.format === 'json') return { queue: q.extension, interval: parsed.data.interval, rows };
    const cols = ['from', 'to', 'offered', 'answered', 'abandoned', 'overflow', 'voicemail', 'callback', 'answered_within_t', 'service_level', 'sl2', 'asa_s', 'abandon_rate', 'aht_s'] as const;
    void reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="queue-${q.extension}-${parsed.data.interval}.csv"`);
    return toCsv(cols.map((c) => [c, (r: (typeof rows)[number]) => r[c]] as const), rows);
  });

  app.get<{ Params: { ext: string } }>('/api/queues/:ext/recordings', { config: { role: 'user' } }, async (req, reply) => {
    const q = watched(req, reply);
    if (!q) return reply;
    return { queue: q.extension, recordings: deps.recordingsDir ? listRecordings(deps.recordingsDir, q.extension) : [] };
  });

  app.get<{ Params: { ext: string; file: string } }>('/api/queues/:ext/recordings/:file', { config: { role: 'user' } }, async (req, reply) => {
    const q = watched(req as unknown as FastifyRequest<{ Params: { ext: string } }>, reply);
    if (!q) return reply;
    const path = deps.recordingsDir ? recordingPath(deps.recordingsDir, q.extension, req.params.file) : undefined;
    if (!path || !listRecordings(deps.recordingsDir!, q.extension).some((r) => r.file === req.params.file)) return reply.code(404).send({ error: 'no such recording' });
    return reply.header('content-type', 'audio/wav').send(createReadStream(path));
  });

  app.get<{ Params: { ext: string }; Querystring: Record<string, string> }>('/api/queues/:ext/staffing', { config: { role: 'user' } }, async (req, reply) => {
    const q = watched(req, reply);
    if (!q) return reply;
    const parsed = StaffingQuery.safeParse(req.query);
    if (!parsed.success) return bad(reply, parsed.error);
    const measured = deps.acd.measured(q.extension);
    const cph = parsed.data.calls_per_hour ?? measured.calls_per_hour;
    const handle = parsed.data.handle_s ?? measured.handle_s;
    if (cph === null || cph === undefined || handle === null || handle === undefined) {
      return reply.code(400).send({ error: 'bad request: the queue has no measured calls yet: give calls_per_hour and handle_s' });
    }
    const input = { calls_per_hour: cph, handle_s: handle, target_s: parsed.data.target_s ?? q.service_level_s, target_level: parsed.data.target_level ?? 0.8 };
    try {
      return { queue: q.extension, input, ...staffing(input) };
    } catch (err) {
      if (err instanceof RangeError) return reply.code(400).send({ error: `bad request: ${err.message}` });
      throw err;
    }
  });
}
