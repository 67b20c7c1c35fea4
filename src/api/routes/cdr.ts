/**
 * GET /api/cdr: the call detail records, newest first, with filters — `from` / `to` (ISO
 * 8601 or epoch ms; on the call's start, `to` exclusive), `extension` (calls it took part
 * in), `number` (the caller's number or the number dialled), `disposition` — and paging
 * (`limit` 1–1000, default 100; `offset`). JSON `{ total, limit, offset, records }`, or CSV
 * with `?format=csv` or `Accept: text/csv` (the matching records of the page, RFC 4180).
 *
 * An employee (role user) sees only the calls they took part in, whatever they ask for; an
 * admin sees every call.
 */
import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import { toCsv } from '../csv.js';
import { DISPOSITIONS, type Cdr, type CdrRepository } from '../../store/cdr-repo.js';

const instant = z.string().trim().min(1).transform((s, ctx) => {
  const ms = /^\d+$/.test(s) ? Number(s) : Date.parse(s);
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'give an ISO 8601 date-time or epoch milliseconds' });
    return z.NEVER;
  }
  return ms;
});
const short = z.string().trim().min(1).max(64);

const CdrQuerySchema = z.object({
  from: instant.optional(),
  to: instant.optional(),
  extension: short.optional(),
  number: short.optional(),
  disposition: z.enum(DISPOSITIONS).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
  format: z.enum(['json', 'csv']).optional(),
}).strict();

const COLUMNS: ReadonlyArray<readonly [string, (r: Cdr) => unknown]> = [
  ['id', (r) => r.id],
  ['started_at', (r) => r.startedAt],
  ['answered_at', (r) => r.answeredAt],
  ['ended_at', (r) => r.endedAt],
  ['caller_number', (r) => r.caller.number],
  ['caller_name', (r) => r.caller.name],
  ['source_tech', (r) => r.source.tech],
  ['source', (r) => r.source.owner],
  ['dialled', (r) => r.dialled],
  ['outside_line', (r) => r.outsideLine],
  ['answered_by', (r) => r.answeredBy],
  ['ring_seconds', (r) => r.ringSeconds],
  ['talk_seconds', (r) => r.talkSeconds],
  ['disposition', (r) => r.disposition],
  ['cause', (r) => r.cause],
  ['legs', (r) => r.legs.map((l) => `${l.owner}${l.answeredAt !== undefined ? ' (answered)' : ''}`).join('; ')],
  ['transfers', (r) => r.transfers.map((t) => `${t.by}->${t.target} (${t.kind})`).join('; ')],
];

export function cdrRoutes(app: FastifyInstance, cdr: CdrRepository): void {
  app.get('/api/cdr', { config: { role: 'user' } }, async (req, reply) => {
    const parsed = CdrQuerySchema.safeParse(req.query);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`);
      return reply.code(400).send({ error: `bad query: ${errors.join('; ')}`, errors });
    }
    const q = parsed.data;
    if (q.from !== undefined && q.to !== undefined && q.to <= q.from) return reply.code(400).send({ error: 'bad query: to must be after from' });
    const principal = req.principal!;
    const { total, records } = cdr.find({
      ...(q.from !== undefined ? { from: q.from } : {}),
      ...(q.to !== undefined ? { to: q.to } : {}),
      ...(q.extension ? { extension: q.extension } : {}),
      ...(q.number ? { number: q.number } : {}),
      ...(q.disposition ? { disposition: q.disposition } : {}),
      ...(principal.role === 'admin' ? {} : { visibleTo: principal.extension }),
      limit: q.limit, offset: q.offset,
    });
    const csv = q.format === 'csv' || (q.format === undefined && /\btext\/csv\b/.test(req.headers.accept ?? ''));
    if (csv) {
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="cdr.csv"')
        .header('x-total-count', String(total))
        .send(toCsv(COLUMNS, records));
    }
    return { total, limit: q.limit, offset: q.offset, records };
  });
}
