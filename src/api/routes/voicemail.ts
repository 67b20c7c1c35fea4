/**
 * Voicemail in the API (the web UI plays the messages):
 *
 * - `/api/me/voicemail…` (role user): the signed-in employee's own box;
 * - `/api/voicemail/:box…` (role admin): any box.
 *
 * `GET …` lists `{ box, unheard, heard, messages: [{ id, caller_number, caller_name,
 * received_at, duration_ms, heard }] }`, new first; `GET …/:id/audio` sends the WAV
 * (`audio/wav`); `PUT …/:id {"heard": true|false}` marks it; `DELETE …/:id` removes it and
 * its audio. Every change is published as `voicemail.changed` (the message lamps follow).
 * `GET …/pin` shows the box's PIN (generated at the box's first use, never a default) to its
 * owner and to admins; it is never logged. Once the owner chose their own PIN by phone only
 * its hash is kept: `{"pin": null, "chosen_by_owner": true}`. Greetings, the boxes' list,
 * a new PIN and purging a removed owner's box: voicemail-boxes.ts.
 */
import { createReadStream } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as z from 'zod';
import type { Config } from '../../config/schema.js';
import type { EventBus } from '../../core/events.js';
import type { VoicemailRepository } from '../../store/voicemail-repo.js';
import { boxChanged } from '../../apps/voicemail.js';
import { findMailbox } from '../../config/mailboxes.js';
import { voicemailBoxRoutes } from './voicemail-boxes.js';

const MarkBody = z.object({ heard: z.boolean() }).strict();
/** An extension, or a removed owner's box (`202-removed-<time>`, store/voicemail-repo.ts). */
const BoxParam = z.string().regex(/^[1-9][0-9]{1,5}(-removed-[0-9]{1,15})?$/);
const IdParam = z.coerce.number().int().positive();

export interface VoicemailRouteDeps {
  config: () => Readonly<Config> | null;
  repo: VoicemailRepository;
  events: EventBus;
}

export function voicemailRoutes(app: FastifyInstance, deps: VoicemailRouteDeps): void {
  /**
   * The box a request is about (its own, or the admin's :box — an employee's, a
   * department's, or one its owner left, kept until purged), or undefined after a 404.
   */
  const boxOf = (req: FastifyRequest, reply: FastifyReply): string | undefined => {
    const asked = (req.params as { box?: string }).box;
    const box = asked === undefined ? req.principal!.extension : BoxParam.safeParse(asked).success ? asked : undefined;
    const config = deps.config();
    const configured = box !== undefined && config ? findMailbox(config, box) : undefined;
    if (configured && (asked !== undefined || configured.box === box)) return configured.box;
    if (box !== undefined && asked !== undefined && deps.repo.boxes().includes(box)) return box; // a removed owner's box
    void reply.code(404).send({ error: box === undefined ? 'not a mailbox' : `extension ${box} has no mailbox` });
    return undefined;
  };
  const messageOf = (req: FastifyRequest, reply: FastifyReply): { box: string; id: number } | undefined => {
    const box = boxOf(req, reply);
    if (!box) return undefined;
    const id = IdParam.safeParse((req.params as { id?: string }).id);
    if (!id.success || !deps.repo.message(box, id.data)) {
      void reply.code(404).send({ error: 'no such message in this mailbox' });
      return undefined;
    }
    return { box, id: id.data };
  };

  for (const [prefix, role] of [['/api/me/voicemail', 'user'], ['/api/voicemail/:box', 'admin']] as const) {
    app.get(prefix, { config: { role } }, async (req, reply) => {
      const box = boxOf(req, reply);
      if (!box) return reply;
      const c = deps.repo.count(box);
      const messages = deps.repo.messages(box).map(({ file: _file, box: _box, ...m }) => m);
      return { box, unheard: c.unheard, heard: c.total - c.unheard, messages };
    });
    app.get(`${prefix}/:id/audio`, { config: { role } }, async (req, reply) => {
      const m = messageOf(req, reply);
      if (!m) return reply;
      const file = deps.repo.message(m.box, m.id)!.file;
      return reply.type('audio/wav').header('Content-Disposition', `attachment; filename="voicemail-${m.box}-${m.id}.wav"`).send(createReadStream(file));
    });
    app.put(`${prefix}/:id`, { config: { role } }, async (req, reply) => {
      const body = MarkBody.safeParse(req.body);
      if (!body.success) return reply.code(400).send({ error: 'expected {"heard": true|false}' });
      const m = messageOf(req, reply);
      if (!m) return reply;
      deps.repo.mark(m.box, m.id, body.data.heard);
      req.log.info({ box: m.box, message: m.id, heard: body.data.heard, by: req.principal?.extension }, 'voicemail message marked');
      boxChanged(deps, deps.repo, m.box, body.data.heard ? 'heard' : 'new');
      return { ok: true };
    });
    app.delete(`${prefix}/:id`, { config: { role } }, async (req, reply) => {
      const m = messageOf(req, reply);
      if (!m) return reply;
      deps.repo.delete(m.box, m.id);
      req.log.info({ box: m.box, message: m.id, by: req.principal?.extension }, 'voicemail message deleted');
      boxChanged(deps, deps.repo, m.box, 'deleted');
      return reply.code(204).send();
    });
    app.get(`${prefix}/pin`, { config: { role } }, async (req, reply) => {
      const box = boxOf(req, reply);
      return box && { box, pin: deps.repo.shownPin(box), ...(deps.repo.shownPin(box) === null ? { chosen_by_owner: true } : {}) };
    });
  }
  voicemailBoxRoutes(app, { ...deps, boxOf });
}
