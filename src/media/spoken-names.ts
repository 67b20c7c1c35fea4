/**
 * Mailbox owners' names, spoken: the default voicemail greeting says "Semyon Petrovich is
 * not available" rather than only "leave your message" (apps/voicemail-greeting.ts). Where
 * other exchanges play a name the owner recorded (Asterisk's `greet`/`name` file) or read
 * it with text-to-speech (FreeSWITCH's `say`), this one synthesizes each name once, when
 * the configuration names it, with the same tools the bundled prompts are made with
 * (espeak-ng, then sox to 8 kHz telephone band: scripts/make-prompts.sh), into
 * `<data>/names/<language>/<hash of the name>.wav`. A call only reads the file.
 *
 * Synthesis runs one name at a time in a child process (no shell; the name goes on stdin,
 * never on a command line) with a hard timeout, so a long list costs the board one core
 * for a while, never the calls. Without espeak-ng or sox (logged once) there are no names,
 * and the greeting says the box's digits instead, as Asterisk does ("the person at
 * extension 2 0 2 is not available").
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from '../../common/log.js';
import { readWav } from './wav.js';
import type { PromptLanguage } from './prompts.js';

/** The espeak-ng voice per language (as scripts/make-prompts.sh). */
const VOICES: Record<PromptLanguage, string> = { en: 'en-gb', fr: 'fr-fr', ru: 'ru' };
/** One synthesis (espeak-ng or sox) is stopped after this long. */
const TOOL_TIMEOUT_MS = 15_000;
/** Longer names are cut: a name, not a speech. */
const MAX_NAME_CHARS = 80;

/** Where the spoken `name` is kept (whatever the name holds: the file is named by its hash). */
export function spokenNameFile(dataFolder: string, lang: PromptLanguage, name: string): string {
  const key = createHash('sha256').update(normalised(name)).digest('hex').slice(0, 20);
  return join(dataFolder, 'names', lang, `${key}.wav`);
}

/** The spoken name's 8 kHz samples, or undefined when it was not (yet) synthesized. */
export function readSpokenName(dataFolder: string, lang: PromptLanguage, name: string): Int16Array | undefined {
  const file = spokenNameFile(dataFolder, lang, name);
  if (!existsSync(file)) return undefined;
  try {
    const wav = readWav(readFileSync(file));
    return wav.sampleRate === 8000 && wav.channels === 1 ? wav.samples : undefined;
  } catch {
    return undefined;
  }
}

/** Control characters out, spaces folded: what is said, and what is hashed. */
function normalised(name: string): string {
  return name.replace(/[\p{Cc}\p{Cf}]/gu, ' ').replace(/\s+/g, ' ').trim().slice(0, MAX_NAME_CHARS);
}

export interface SpokenNamesOptions {
  dataFolder: string;
  log: Logger;
  /** The tools (absolute paths or names on PATH); by default espeak-ng and sox. */
  espeak?: string;
  sox?: string;
}

/** Synthesizes the names a configuration has, in the background, one at a time. */
export class SpokenNames {
  private readonly queue: Array<{ name: string; lang: PromptLanguage }> = [];
  private running: ChildProcess | undefined;
  private working = false;
  private closed = false;
  private unavailable = false;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly o: SpokenNamesOptions) {}

  /** Queue the names that have no file yet in `lang`. */
  prepare(names: readonly string[], lang: PromptLanguage): void {
    if (this.closed || this.unavailable) return;
    for (const raw of new Set(names.map(normalised))) {
      if (raw === '' || existsSync(spokenNameFile(this.o.dataFolder, lang, raw))) continue;
      if (!this.queue.some((q) => q.name === raw && q.lang === lang)) this.queue.push({ name: raw, lang });
    }
    void this.work();
  }

  /** Resolves once nothing is queued or running (tests, and a clean close). */
  idle(): Promise<void> {
    return !this.working ? Promise.resolve() : new Promise((r) => this.idleWaiters.push(r));
  }

  /** Stop: the queue is dropped, a running synthesis killed (its partial file removed). */
  close(): void {
    this.closed = true;
    this.queue.length = 0;
    this.running?.kill('SIGKILL');
  }

  private async work(): Promise<void> {
    if (this.working) return;
    this.working = true;
    try {
      for (let next = this.queue.shift(); next && !this.closed; next = this.queue.shift()) {
        try {
          await this.synthesize(next.name, next.lang);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
            this.unavailable = true;
            this.queue.length = 0;
            this.o.log.info('espeak-ng or sox is not installed: default voicemail greetings say the box\'s digits, not the owner\'s name');
          } else if (!this.closed) {
            this.o.log.warn({ err: (err as Error).message }, 'a mailbox owner\'s name could not be synthesized: the greeting says the box\'s digits');
          }
        }
      }
    } finally {
      this.working = false;
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private async synthesize(name: string, lang: PromptLanguage): Promise<void> {
    const file = spokenNameFile(this.o.dataFolder, lang, name);
    mkdirSync(dirname(file), { recursive: true });
    const raw = `${file}.raw.wav`;
    const part = `${file}.part.wav`;
    try {
      await this.run(this.o.espeak ?? 'espeak-ng', ['-v', VOICES[lang], '-s', '145', '-w', raw, '--stdin'], name);
      // Telephone band, peak at -3 dBFS, 8 kHz mono 16-bit (what the media engine plays).
      await this.run(this.o.sox ?? 'sox', [raw, '-r', '8000', '-c', '1', '-b', '16', '-e', 'signed-integer', part, 'sinc', '300-3400', 'norm', '-3']);
      renameSync(part, file);
    } finally {
      rmSync(raw, { force: true });
      rmSync(part, { force: true });
    }
  }

  private run(tool: string, args: string[], stdin?: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = execFile(tool, args, { timeout: TOOL_TIMEOUT_MS, killSignal: 'SIGKILL' }, (err) => {
        this.running = undefined;
        if (err) reject(err);
        else resolve();
      });
      this.running = child;
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(stdin ?? '');
    });
  }
}

