/**
 * The mailboxes themselves in the API (the messages: voicemail.ts):
 *
 * - `PUT /api/me/voicemail/greeting`, `PUT /api/voicemail/:box/greeting` (body: a WAV,
 *   `Content-Type: audio/wav`): the box's greeting, played to callers instead of the default
 *   prompt. Telephone audio only — 8 kHz mono, 16-bit PCM or A-law/µ-law (stored as 16-bit
 *   PCM); anything else is 415 with what is wrong and how to convert it. `GET …/greeting`
 *   sends it (404 when the box has none), `DELETE …/greeting` goes back to the default.
 * - `GET /api/voicemail` (admin): every box — those of the configuration (employees' and
 *   departments') and those whose owner was removed from it (`orphaned: true`): a removed
 *   employee's messages are kept until an admin purges them, since they may be the only
 *   copy of what a customer said.
 * - `DELETE /api/voicemail/:box` (admin): purge a removed owner's box (messages, PIN,
 *   greeting); a box still configured is 409 (remove `voicemail:` from its owner first).
 * - `POST /api/voicemail/:box/pin` (admin): a new generated PIN, shown once in the answer
 *   (an owner who forgot the one they chose).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createReadStream } from 'node:fs';
import type { Config } from '../../config/schema.js';
import { mailboxes } from '../../config/mailboxes.js';
import type { EventBus } from '../../core/events.js';
import type { VoicemailRepository } from '../../store/voicemail-repo.js';
import { telephoneWav } from '../uploaded-wav.js';

/** Longest greeting accepted. */
export const GREETING_MAX_S = 120;
const WAV_BODY_LIMIT = 8 << 20;

export interface VoicemailBoxDeps {
  config: () => Readonly<Config> | null;
  repo: VoicemailRepository;
  events: EventBus;
  boxOf(req: FastifyRequest, reply: FastifyReply): string | undefined;
}

/** Raw bodies for WAV uploads (registered once per server). */
export function acceptWavBodies(app: FastifyInstance): void {
  if (app.hasContentTypeParser('audio/wav')) return;
  app.addContentTypeParser(['audio/wav', 'audio/x-wav', 'audio/wave', 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: WAV_BODY_LIMIT }, (_req, body, done) => done(null, body));
}

export function voicemailBoxRoutes(app: FastifyInstance, deps: VoicemailBoxDeps): void {
  acceptWavBodies(app);
  const by = (req: FastifyRequest): string => req.principal?.extension ?? 'api';
  for (const [prefix, role] of [['/api/me/voicemail', 'user'], ['/api/voicemail/:box', 'admin']] as const) {
    app.put(`${prefix}/greeting`, { config: { role }, bodyLimit: WAV_BODY_LIMIT }, async (req, reply) => {
      const box = deps.boxOf(req, reply);
      if (!box) return reply;
      const wav = telephoneWav(req.body, GREETING_MAX_S);
      if (!wav.ok) {
        req.log.info({ box, error: wav.error }, 'mailbox greeting upload refused');
        return reply.code(415).send({ error: wav.error });
      }
      try {
        deps.repo.setGreeting(box, wav.wav);
      } catch (err) {
        req.log.error({ box, err: (err as Error).message }, 'mailbox greeting could not be written');
        return reply.code(507).send({ error: 'the greeting could not be stored (the disk may be full); the previous one is kept' });
      }
      req.log.info({ box, durationMs: wav.durationMs, by: by(req) }, 'mailbox greeting uploaded');
      deps.events.emit('voicemail.settings', { box, what: 'greeting', by: by(req) });
      return { box, duration_ms: wav.durationMs };
    });
    app.get(`${prefix}/greeting`, { config: { role } }, async (req, reply) => {
      const box = deps.boxOf(req, reply);
      if (!box) return reply;
      if (!deps.repo.hasGreeting(box)) return reply.code(404).send({ error: 'the box has no greeting of its own (callers hear the default prompt)' });
      return reply.type('audio/wav').send(createReadStream(deps.repo.greetingFile(box)));
    });
    app.delete(`${prefix}/greeting`, { config: { role } }, async (req, reply) => {
      const box = deps.boxOf(req, reply);
      if (!box) return reply;
      if (!deps.repo.deleteGreeting(box)) return reply.code(404).send({ error: 'the box has no greeting of its own' });
      deps.events.emit('voicemail.settings', { box, what: 'greeting', by: by(req) });
      return reply.code(204).send();
    });
  }

  app.get('/api/voicemail', { config: { role: 'admin' } }, async () => {
    const configured = deps.config() ? mailboxes(deps.config()!) : [];
    const known = new Set(configured.map((m) => m.box));
    const row = (box: string) => {
      const c = deps.repo.count(box);
      return { unheard: c.unheard, heard: c.total - c.unheard, greeting: deps.repo.hasGreeting(box) };
    };
    return {
      boxes: [
        ...configured.map((m) => ({ box: m.box, owner: m.owner, name: m.name, ...(m.extension ? { extension: m.extension } : {}), orphaned: false, ...row(m.box) })),
        ...deps.repo.boxes().filter((b) => !known.has(b)).map((b) => ({ box: b, orphaned: true, ...row(b) })),
      ],
    };
  });
  app.delete('/api/voicemail/:box', { config: { role: 'admin' } }, async (req, reply) => {
    const box = deps.boxOf(req, reply);
    if (!box) return reply;
    if (deps.config() && mailboxes(deps.config()!).some((m) => m.box === box)) {
      return reply.code(409).send({ error: `mailbox ${box} is still in the configuration: remove its owner's voicemail first` });
    }
    const c = deps.repo.count(box);
    deps.repo.purge(box);
    req.log.info({ box, messages: c.total, by: by(req) }, 'mailbox of a removed owner purged');
    deps.events.emit('voicemail.changed', { box, unheard: 0, heard: 0, why: 'deleted' });
    return reply.code(204).send();
  });
  app.post('/api/voicemail/:box/pin', { config: { role: 'admin' } }, async (req, reply) => {
    const box = deps.boxOf(req, reply);
    if (!box) return reply;
    const pin = deps.repo.newPin(box);
    req.log.info({ box, by: by(req) }, 'mailbox PIN regenerated'); // never the PIN
    deps.events.emit('voicemail.settings', { box, what: 'pin', by: by(req) });
    return { box, pin };
  });
}
