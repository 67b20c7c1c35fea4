/**
 * The site's own voice prompts (admin): any prompt the exchange plays may be replaced by a
 * WAV of the site's, per language, kept in the data folder (`<data>/prompts/<lang>/<id>.wav`)
 * and played instead of the bundled one from the next call on (media/prompts.ts).
 *
 * - `GET /api/prompts`: every prompt id per language, and whether the site replaced it;
 * - `PUT /api/prompts/:lang/:id` (body: a WAV, `Content-Type: audio/wav`): telephone audio
 *   only — 8 kHz mono, 16-bit PCM or A-law/µ-law — else 415 with what is wrong. An id the
 *   exchange has replaces its prompt; a new id is a prompt of the site's own (a menu's
 *   greeting, `greeting: promo-noel` in a route), listed with `bundled: false`;
 * - `GET /api/prompts/:lang/:id`: the WAV that plays (the site's, else the bundled one);
 * - `DELETE /api/prompts/:lang/:id`: back to the bundled prompt.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { bundledPromptIds, loadPrompt, PROMPT_ID, PROMPT_LANGUAGES, sitePromptFile, type PromptLanguage } from '../../media/prompts.js';
import { writeWav } from '../../media/wav.js';
import { telephoneWav } from '../uploaded-wav.js';
import { acceptWavBodies } from './voicemail-boxes.js';

/** Longest prompt accepted (a menu's greeting may be long). */
const PROMPT_MAX_S = 300;

export function promptRoutes(app: FastifyInstance, deps: { dataFolder: string }): void {
  acceptWavBodies(app);
  const ids = bundledPromptIds();
  const target = (req: FastifyRequest, reply: FastifyReply): { lang: PromptLanguage; id: string } | undefined => {
    const { lang, id } = req.params as { lang: string; id: string };
    if (!(PROMPT_LANGUAGES as readonly string[]).includes(lang)) return void reply.code(404).send({ error: `"${lang}" is not a prompt language (${PROMPT_LANGUAGES.join(', ')})` });
    if (!PROMPT_ID.test(id)) return void reply.code(404).send({ error: `"${id}" is not a prompt name (lower-case letters, digits and dashes, like "welcome")` });
    return { lang: lang as PromptLanguage, id };
  };

  app.get('/api/prompts', { config: { role: 'admin' } }, async () => {
    const own = new Set<string>();
    for (const l of PROMPT_LANGUAGES) {
      try {
        for (const f of readdirSync(join(deps.dataFolder, 'prompts', l))) if (f.endsWith('.wav') && PROMPT_ID.test(f.slice(0, -4))) own.add(f.slice(0, -4));
      } catch {
        // no site prompts in this language
      }
    }
    const all = [...new Set([...ids, ...own])].sort();
    return { prompts: all.map((id) => ({ id, bundled: ids.includes(id), site: Object.fromEntries(PROMPT_LANGUAGES.map((l) => [l, existsSync(sitePromptFile(deps.dataFolder, l, id))])) })) };
  });
  app.put('/api/prompts/:lang/:id', { config: { role: 'admin' }, bodyLimit: 16 << 20 }, async (req, reply) => {
    const t = target(req, reply);
    if (!t) return reply;
    const wav = telephoneWav(req.body, PROMPT_MAX_S);
    if (!wav.ok) {
      req.log.info({ prompt: `${t.lang}/${t.id}`, error: wav.error }, 'site prompt upload refused');
      return reply.code(415).send({ error: wav.error });
    }
    const file = sitePromptFile(deps.dataFolder, t.lang, t.id);
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(`${file}.part`, wav.wav);
      renameSync(`${file}.part`, file); // the old one plays until the new one is complete
    } catch (err) {
      rmSync(`${file}.part`, { force: true });
      req.log.error({ prompt: `${t.lang}/${t.id}`, err: (err as Error).message }, 'site prompt could not be written');
      return reply.code(507).send({ error: 'the prompt could not be stored (the disk may be full); the previous one is kept' });
    }
    req.log.info({ prompt: `${t.lang}/${t.id}`, durationMs: wav.durationMs, by: req.principal?.extension }, 'site prompt uploaded');
    return { id: t.id, language: t.lang, duration_ms: wav.durationMs };
  });
  app.get('/api/prompts/:lang/:id', { config: { role: 'admin' } }, async (req, reply) => {
    const t = target(req, reply);
    if (!t) return reply;
    const samples = loadPrompt(t.id, t.lang, { dataFolder: deps.dataFolder });
    if (!samples) return reply.code(404).send({ error: 'no such prompt' });
    return reply.type('audio/wav').send(writeWav(samples));
  });
  app.delete('/api/prompts/:lang/:id', { config: { role: 'admin' } }, async (req, reply) => {
    const t = target(req, reply);
    if (!t) return reply;
    const file = sitePromptFile(deps.dataFolder, t.lang, t.id);
    if (!existsSync(file)) return reply.code(404).send({ error: 'the site has not replaced this prompt' });
    rmSync(file, { force: true });
    req.log.info({ prompt: `${t.lang}/${t.id}`, by: req.principal?.extension }, 'site prompt removed: the bundled one plays again');
    return reply.code(204).send();
  });
}
