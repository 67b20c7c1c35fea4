/**
 * The director's secretary in the API (role user; an admin sees every director, a director
 * their own, an assistant the directors they assist — nothing else):
 *
 * - `GET /api/executives`: each visible director with their assistants, deputies, rule
 *   sets, switches (filtering, dnd, rule_set), availability and the callers waiting on hold
 *   for them — what the secretary console shows;
 * - `PUT /api/executives/:director` `{filtering?, dnd?, rule_set?}`: switch them;
 * - `POST /api/notes` `{director, call_id?, surname, first_name, patronymic, position,
 *   essence, callback_number, callback_when, deputy}`: a call note (the telephone form),
 *   the caller's number and name prefilled from the call (`call_id`, live or recorded);
 * - `GET /api/notes?director=&status=new|done&q=&from=&to=` and `GET /api/notes.csv`;
 * - `PUT /api/notes/:id` (the form's fields), `PUT /api/notes/:id/status` `{status}`;
 * - `GET /api/notes/summary?director=&date=YYYY-MM-DD`: the day's notes (the daily summary);
 * - `POST /api/executives/:director/waiting/:call/take-back`: the console's "take back" —
 *   the holding secretary's phone rings now with the held caller (answering takes them back);
 * - `POST /api/executives/:director/waiting/:call/put-through`, `…/transfer` `{to}` and
 *   `…/voicemail`: the console's other buttons — the held caller is blind-transferred on
 *   the holding secretary's behalf to the director (past the filter), to another number (a
 *   deputy), or into the director's mailbox (apps/held-call-moves.ts); 202 once asked, 409
 *   when the call is not talking (or the director has no mailbox);
 * - `POST /api/notes/:id/call`: click-to-call — the director's phone rings, then the
 *   number to call back (or the caller's) is dialled from it.
 *
 * Every change is published (`notes.changed`: the director's message lamp follows it).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as z from 'zod';
import type { Clock } from '../../../common/clock.js';
import type { Logger } from '../../../common/log.js';
import type { Config } from '../../config/schema.js';
import type { EventBus } from '../../core/events.js';
import type { Switch } from '../../core/switch.js';
import { clickToCall } from '../../secretary/click-to-call.js';
import type { SecretaryDesk } from '../../secretary/desk.js';
import { effectiveSwitches, mayActFor, notesChanged, switchExecutive, visibleDirectors, type WaitingCallers } from '../../secretary/services.js';
import { NOTE_FIELDS, type CallNote, type SecretaryRepository } from '../../secretary/store.js';
import { localToInstant } from '../../core/schedule.js';
import { mailboxOf } from '../../apps/voicemail.js';
import { toCsv } from '../csv.js';
import { parseOr400 } from '../validate.js';

const text = z.string().trim().max(500);
const fieldsShape = Object.fromEntries(NOTE_FIELDS.map((f) => [f, text.optional()])) as Record<(typeof NOTE_FIELDS)[number], z.ZodOptional<typeof text>>;
const NoteBody = z.object({ director: z.string().regex(/^[1-9][0-9]{1,5}$/), call_id: z.string().regex(/^call-[0-9]{1,12}$/).optional(), called_at: z.number().int().positive().optional(), ...fieldsShape }).strict();
const EditBody = z.object(fieldsShape).strict();
const StatusBody = z.object({ status: z.enum(['new', 'done']) }).strict();
const SwitchBody = z.object({ filtering: z.boolean().optional(), dnd: z.boolean().optional(), rule_set: z.string().max(32).optional() }).strict();
const ListQuery = z.object({
  director: z.string().regex(/^[1-9][0-9]{1,5}$/).optional(), status: z.enum(['new', 'done']).optional(), q: z.string().max(100).optional(),
  from: z.coerce.number().int().optional(), to: z.coerce.number().int().optional(),
}).strict();
const SummaryQuery = z.object({ director: z.string().regex(/^[1-9][0-9]{1,5}$/), date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional() }).strict();
const IdParam = z.coerce.number().int().positive();
const TransferBody = z.object({ to: z.string().regex(/^\+?[0-9]{2,20}$/, 'an extension, a department or a number') }).strict();
const WaitingParams = z.object({ director: z.string().regex(/^[1-9][0-9]{1,5}$/), call: z.string().regex(/^call-[0-9]{1,12}$/) }).strict();

export interface SecretaryRouteDeps {
  config: () => Readonly<Config> | null;
  repo: SecretaryRepository;
  waiting: WaitingCallers;
  /** The calls secretaries are on now (the console's desk: announce, the presented name). */
  desk?: SecretaryDesk;
  events: EventBus;
  clock: Clock;
  log: Logger;
  sw: Switch;
}

const CSV_COLUMNS: ReadonlyArray<readonly [string, (n: CallNote) => unknown]> = [
  ['id', (n) => n.id], ['director', (n) => n.director], ['called_at', (n) => new Date(n.called_at).toISOString()],
  ...NOTE_FIELDS.map((f) => [f, (n: CallNote) => n[f]] as const),
  ['caller_number', (n) => n.caller_number], ['caller_name', (n) => n.caller_name], ['status', (n) => n.status], ['written_by', (n) => n.written_by],
];

export function secretaryRoutes(app: FastifyInstance, deps: SecretaryRouteDeps): void {
  const bad = (reply: FastifyReply, error: z.ZodError): FastifyReply => reply.code(400).send({ error: error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') });
  const executive = (director: string) => deps.config()?.executives?.find((x) => x.extension === director);
  /** The note a request names, when the principal may act for its director (404 otherwise: no hint that it exists). */
  const noteOf = (req: FastifyRequest, reply: FastifyReply): CallNote | undefined => {
    const id = IdParam.safeParse((req.params as { id?: string }).id);
    const note = id.success ? deps.repo.note(id.data) : undefined;
    if (!note || !mayActFor(deps.config(), req.principal!, note.director)) {
      void reply.code(404).send({ error: 'no such note' });
      return undefined;
    }
    return note;
  };
  const view = (x: NonNullable<ReturnType<typeof executive>>) => {
    const config = deps.config();
    const director = config?.employees.find((e) => e.extension === x.extension);
    return {
      director: x.extension, name: config?.employees.find((e) => e.extension === x.extension)?.name ?? x.extension,
      assistants: x.assistants.map((a) => ({ extension: a, name: config?.employees.find((e) => e.extension === a)?.name ?? a, availability: deps.sw.availability(a) })),
      deputies: x.deputies.map(({ name, position, number }) => ({ name, position, number })),
      rule_sets: Object.keys(x.rule_sets), ...effectiveSwitches(x, deps.repo.switches(x.extension)),
      availability: deps.sw.availability(x.extension), hold_reminder_s: x.hold_reminder_s,
      waiting: deps.waiting.list([x.extension]), calls: deps.desk?.list([x.extension]) ?? [], new_notes: deps.repo.newCount(x.extension),
      mailbox: director !== undefined && mailboxOf(director) !== undefined, // the console's "voicemail" button
    };
  };

  app.get('/api/executives', { config: { role: 'user' } }, async (req) => ({ executives: visibleDirectors(deps.config(), req.principal!).map(view) }));

  app.put('/api/executives/:director', { config: { role: 'user' } }, async (req, reply) => {
    const director = (req.params as { director: string }).director;
    const x = executive(director);
    if (!x || !mayActFor(deps.config(), req.principal!, director)) return reply.code(404).send({ error: 'no such director' });
    const body = SwitchBody.safeParse(req.body);
    if (!body.success) return bad(reply, body.error);
    if (body.data.rule_set !== undefined && !(body.data.rule_set in x.rule_sets)) return reply.code(400).send({ error: `rule_set: no rule set is named "${body.data.rule_set}"` });
    const eff = switchExecutive(deps, x, {
      ...(body.data.filtering !== undefined ? { filtering: body.data.filtering } : {}),
      ...(body.data.dnd !== undefined ? { dnd: body.data.dnd } : {}),
      ...(body.data.rule_set !== undefined ? { ruleSet: body.data.rule_set } : {}),
    }, `api:${req.principal!.extension}`);
    req.log.info({ director, ...eff, by: req.principal!.extension }, 'director\'s switches changed');
    return eff;
  });

  // The console's "take back": the holding secretary's phone rings now with the caller (answering takes them back there).
  app.post('/api/executives/:director/waiting/:call/take-back', { config: { role: 'user' } }, async (req, reply) => {
    const p = parseOr400(WaitingParams, req.params, reply);
    if (!p) return reply;
    if (!executive(p.director) || !mayActFor(deps.config(), req.principal!, p.director)) return reply.code(404).send({ error: 'no such director' });
    const held = deps.waiting.list([p.director]).find((w) => w.call === p.call);
    const actions = held && deps.waiting.actionsOf(p.call);
    if (!held || !actions) return reply.code(404).send({ error: `nobody waits on hold in call ${p.call}` });
    actions.takeBack();
    req.log.info({ call: p.call, director: p.director, assistant: held.assistant, by: req.principal!.extension }, 'held caller rung back to the secretary from the console');
    return reply.code(202).send({ ringing: held.assistant });
  });

  /** The held caller a console action names, when the principal may act for its director (404 otherwise). */
  const heldCaller = (req: FastifyRequest, reply: FastifyReply) => {
    const p = parseOr400(WaitingParams, req.params, reply);
    if (!p) return undefined;
    // Moving the caller is the secretaries' job (and an admin's): the director and anyone else see nothing.
    const x = executive(p.director);
    const me = req.principal!;
    if (!x || !(me.role === 'admin' || x.assistants.includes(me.extension))) return void reply.code(404).send({ error: 'no such director' });
    const held = deps.waiting.list([p.director]).find((w) => w.call === p.call);
    const actions = held && deps.waiting.actionsOf(p.call);
    if (!held || !actions) return void reply.code(404).send({ error: `nobody waits on hold in call ${p.call}` });
    return { ...p, held, actions };
  };
  const moved = (reply: FastifyReply, ok: boolean, body: object): FastifyReply =>
    ok ? reply.code(202).send(body) : reply.code(409).send({ error: 'the call is not talking now (a transfer is already under way)' });

  // "Put through": the director rings with the caller (a blind transfer on the secretary's behalf, past the filter).
  app.post('/api/executives/:director/waiting/:call/put-through', { config: { role: 'user' } }, async (req, reply) => {
    const h = heldCaller(req, reply);
    if (!h) return reply;
    req.log.info({ call: h.call, director: h.director, assistant: h.held.assistant, by: req.principal!.extension }, 'held caller put through to the director from the console');
    return moved(reply, h.actions.transfer(h.director), { ringing: h.director });
  });

  // "Transfer": another number rings with the caller (a deputy, a colleague; the secretary's barring applies).
  app.post('/api/executives/:director/waiting/:call/transfer', { config: { role: 'user' } }, async (req, reply) => {
    const body = parseOr400(TransferBody, req.body ?? {}, reply);
    if (!body) return reply;
    const h = heldCaller(req, reply);
    if (!h) return reply;
    req.log.info({ call: h.call, director: h.director, to: body.to, by: req.principal!.extension }, 'held caller transferred from the console');
    return moved(reply, h.actions.transfer(body.to), { ringing: body.to });
  });

  // "Voicemail": the caller leaves a message in the director's mailbox.
  app.post('/api/executives/:director/waiting/:call/voicemail', { config: { role: 'user' } }, async (req, reply) => {
    const h = heldCaller(req, reply);
    if (!h) return reply;
    const director = deps.config()?.employees.find((e) => e.extension === h.director);
    if (!director || !mailboxOf(director)) return reply.code(409).send({ error: `director ${h.director} has no mailbox` });
    req.log.info({ call: h.call, director: h.director, by: req.principal!.extension }, 'held caller sent to the director\'s mailbox from the console');
    return moved(reply, h.actions.toMailbox(), { mailbox: h.director });
  });

  app.post('/api/notes', { config: { role: 'user' } }, async (req, reply) => {
    const body = NoteBody.safeParse(req.body);
    if (!body.success) return bad(reply, body.error);
    const { director, call_id, called_at, ...fields } = body.data;
    if (!executive(director) || !mayActFor(deps.config(), req.principal!, director)) return reply.code(404).send({ error: 'no such director' });
    // Prefilled from the call: live (still ringing or talking) or from its record.
    const live = call_id ? deps.sw.activeCalls().find((r) => r.id === call_id) : undefined;
    const stored = call_id && !live ? deps.repo.callRecord(call_id) : undefined;
    if (call_id && !live && !stored) return reply.code(404).send({ error: `no call ${call_id}` });
    const caller = live ? { number: live.caller.caller.number, name: live.caller.caller.name ?? '' } : stored ? { number: stored.caller_number, name: stored.caller_name } : { number: '', name: '' };
    const note = deps.repo.addNote({
      ...fields, director, written_by: req.principal!.extension,
      called_at: called_at ?? live?.startedAt ?? stored?.started_at ?? deps.clock.now(),
      caller_number: caller.number, caller_name: caller.name,
      callback_number: fields.callback_number || caller.number,
      ...(call_id ? { call_id } : {}), ...(stored ? { cdr_id: stored.cdr_id } : {}),
    });
    req.log.info({ note: note.id, director, call: call_id, by: req.principal!.extension }, 'call note written');
    notesChanged(deps, director, 'created', note.id);
    return reply.code(201).send(note);
  });

  const list = (req: FastifyRequest, reply: FastifyReply): CallNote[] | undefined => {
    const q = ListQuery.safeParse(req.query);
    if (!q.success) return void bad(reply, q.error);
    const directors = visibleDirectors(deps.config(), req.principal!).map((x) => x.extension).filter((d) => q.data.director === undefined || d === q.data.director);
    return deps.repo.notes({ directors, ...(q.data.status ? { status: q.data.status } : {}), ...(q.data.q ? { q: q.data.q } : {}), ...(q.data.from !== undefined ? { from: q.data.from } : {}), ...(q.data.to !== undefined ? { to: q.data.to } : {}) });
  };
  app.get('/api/notes', { config: { role: 'user' } }, async (req, reply) => {
    const notes = list(req, reply);
    return notes ? { notes } : reply;
  });
  app.get('/api/notes.csv', { config: { role: 'user' } }, async (req, reply) => {
    const notes = list(req, reply);
    if (!notes) return reply;
    return reply.type('text/csv; charset=utf-8').header('Content-Disposition', 'attachment; filename="call-notes.csv"').send(toCsv(CSV_COLUMNS, notes));
  });

  app.get('/api/notes/summary', { config: { role: 'user' } }, async (req, reply) => {
    const q = SummaryQuery.safeParse(req.query);
    if (!q.success) return bad(reply, q.error);
    if (!executive(q.data.director) || !mayActFor(deps.config(), req.principal!, q.data.director)) return reply.code(404).send({ error: 'no such director' });
    const tz = deps.config()?.site.timezone ?? 'UTC';
    const date = q.data.date ?? new Intl.DateTimeFormat('en-CA', { timeZone: tz }).format(deps.clock.now());
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    const from = localToInstant(tz, y, m, d, 0);
    const to = localToInstant(tz, y, m, d, 24 * 60);
    const notes = deps.repo.notes({ directors: [q.data.director], from, to });
    const who = (n: CallNote): string => [n.surname, n.first_name, n.patronymic].filter(Boolean).join(' ') || n.caller_name || n.caller_number;
    const lines = notes.map((n) => `${new Date(n.called_at).toISOString().slice(11, 16)} ${who(n)}${n.position ? ` (${n.position})` : ''}: ${n.essence}${n.callback_number ? ` — call back ${n.callback_number}${n.callback_when ? ` ${n.callback_when}` : ''}` : ''}${n.status === 'done' ? ' [done]' : ''}`);
    return { director: q.data.director, date, total: notes.length, fresh: notes.filter((n) => n.status === 'new').length, done: notes.filter((n) => n.status === 'done').length, notes, text: lines.join('\n') };
  });

  app.put('/api/notes/:id', { config: { role: 'user' } }, async (req, reply) => {
    const body = EditBody.safeParse(req.body);
    if (!body.success) return bad(reply, body.error);
    const note = noteOf(req, reply);
    if (!note) return reply;
    const edited = deps.repo.editNote(note.id, body.data)!;
    notesChanged(deps, note.director, 'edited', note.id);
    return edited;
  });

  app.put('/api/notes/:id/status', { config: { role: 'user' } }, async (req, reply) => {
    const body = StatusBody.safeParse(req.body);
    if (!body.success) return bad(reply, body.error);
    const note = noteOf(req, reply);
    if (!note) return reply;
    const changed = deps.repo.setStatus(note.id, body.data.status)!;
    req.log.info({ note: note.id, status: body.data.status, by: req.principal!.extension }, 'call note marked');
    notesChanged(deps, note.director, body.data.status === 'done' ? 'done' : 'new', note.id);
    return changed;
  });

  app.post('/api/notes/:id/call', { config: { role: 'user' } }, async (req, reply) => {
    const note = noteOf(req, reply);
    if (!note) return reply;
    const config = deps.config();
    const director = config?.employees.find((e) => e.extension === note.director);
    const number = note.callback_number || note.caller_number;
    if (!config || !director || !/^\+?[0-9]{2,20}$/.test(number)) return reply.code(409).send({ error: 'this note has no number to call back' });
    const who = [note.surname, note.first_name].filter(Boolean).join(' ') || note.caller_name || number;
    req.log.info({ note: note.id, director: director.extension, by: req.principal!.extension }, 'click-to-call');
    void clickToCall(deps, config, director, number, `Call back: ${who} ${number}`).catch((err: unknown) => deps.log.error({ err, note: note.id }, 'click-to-call failed'));
    return reply.code(202).send({ ringing: director.extension, number });
  });
}
