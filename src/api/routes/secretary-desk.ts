/**
 * The secretary console's actions on a call a secretary is on for a director (the desk:
 * secretary/desk.ts, apps/secretary-desk.ts), listed as `calls` in GET /api/executives:
 *
 * - `PUT  /api/executives/:director/calls/:call/name` `{"name": "Jean Dupont"}`: the caller's
 *   presented name ('' clears it) — what the director's phone shows when offered the call;
 * - `POST …/calls/:call/announce`: the caller holds with music, the director rings on the secretary's side;
 * - `POST …/calls/:call/join`: the director answered — the secretary drops out, the two talk;
 * - `POST …/calls/:call/take-back`: the director's leg ends (or stops ringing), the secretary is back with the caller.
 *
 * Only the director's assistants act here (not the director, not an admin who assists
 * nobody: the call is on an assistant's phone); announce, join and take back only by the
 * secretary whose phone is on the call (403 for another). 404 when the call is not on the
 * desk, 409 when the step does not fit the call's state (the reason in `error`).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as z from 'zod';
import type { Config } from '../../config/schema.js';
import { PRESENTED_NAME_MAX } from '../../apps/secretary-desk.js';
import type { DeskActions, DeskCall, SecretaryDesk } from '../../secretary/desk.js';
import { parseOr400 } from '../validate.js';

const CallParams = z.object({ director: z.string().regex(/^[1-9][0-9]{1,5}$/), call: z.string().regex(/^call-[0-9]{1,12}$/) }).strict();
// A name for a display: printable, no control characters (it goes into a SIP header and an FSK burst).
const NameBody = z.object({
  name: z.string().trim().max(PRESENTED_NAME_MAX, `at most ${PRESENTED_NAME_MAX} characters`).regex(/^[^\p{Cc}"\\<>]*$/u, 'letters, digits, spaces and punctuation only (no quotes or angle brackets)'),
}).strict();

export interface SecretaryDeskRouteDeps {
  config: () => Readonly<Config> | null;
  desk: SecretaryDesk | undefined;
}

export function secretaryDeskRoutes(app: FastifyInstance, deps: SecretaryDeskRouteDeps): void {
  /** The desk call a request names, when the principal assists its director (404 otherwise: no hint that it exists). */
  const deskCall = (req: FastifyRequest, reply: FastifyReply): { entry: DeskCall; actions: DeskActions } | undefined => {
    const p = parseOr400(CallParams, req.params, reply);
    if (!p) return undefined;
    const x = deps.config()?.executives?.find((e) => e.extension === p.director);
    if (!x || !x.assistants.includes(req.principal!.extension)) return void reply.code(404).send({ error: 'no such director' });
    const found = deps.desk?.get(p.call);
    if (!found || found.entry.director !== p.director) return void reply.code(404).send({ error: `no secretary is on call ${p.call}` });
    return found;
  };
  /** An announce step: only by the secretary on the call; 409 with the reason when it does not fit. */
  const step = (name: 'announce' | 'join' | 'takeBack', log: string) => async (req: FastifyRequest, reply: FastifyReply) => {
    const found = deskCall(req, reply);
    if (!found) return reply;
    const me = req.principal!.extension;
    if (found.entry.assistant !== me) return reply.code(403).send({ error: `call ${found.entry.call} is on ${found.entry.assistant}'s phone` });
    const done = found.actions[name]();
    if (done !== true) return reply.code(409).send({ error: done });
    req.log.info({ call: found.entry.call, director: found.entry.director, by: me }, log);
    return reply.code(202).send(deps.desk?.get(found.entry.call)?.entry ?? found.entry);
  };

  app.put('/api/executives/:director/calls/:call/name', { config: { role: 'user' } }, async (req, reply) => {
    const body = parseOr400(NameBody, req.body ?? {}, reply);
    if (!body) return reply;
    const found = deskCall(req, reply);
    if (!found) return reply;
    found.actions.present(body.name);
    req.log.info({ call: found.entry.call, director: found.entry.director, by: req.principal!.extension }, 'presented name set from the console');
    return deps.desk?.get(found.entry.call)?.entry ?? found.entry;
  });
  app.post('/api/executives/:director/calls/:call/announce', { config: { role: 'user' } }, step('announce', 'announce from the console: the director rings'));
  app.post('/api/executives/:director/calls/:call/join', { config: { role: 'user' } }, step('join', 'the secretary joined the caller with the director from the console'));
  app.post('/api/executives/:director/calls/:call/take-back', { config: { role: 'user' } }, step('takeBack', 'the secretary took the call back from the director from the console'));
}
