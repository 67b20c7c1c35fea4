/**
 * Paging: the caller talks, every member of a page group hears it — the SIP phones answer
 * by themselves (the INVITE carries the auto-answer headers and a `sendonly` offer:
 * channels/sip/outbound-channel.ts), a loudspeaker amplifier on an FXS port opens its audio
 * without ringing (channels/fxs/fxs-extension.ts). One-way: the members' sound is never
 * sent back, to the pager or to each other.
 *
 * - `page(ctx, dest)`: the application of a page group's number. The members are called at
 *   once; the caller is answered when the first of them is up and talks until they hang
 *   up, which ends the page for everyone. Members that have not answered within
 *   `answer_timeout_s` (a phone without auto-answer) are withdrawn.
 * - `announce(ctx, group, samples)`: the same to play a recorded announcement instead of a
 *   voice ("you are wanted on line 591": park.ts); it ends with the announcement.
 *
 * The caller's frames fan out on the decoded path (one frame to N members every 20 ms); a
 * page group is a handful of phones.
 */
import * as z from 'zod';
import type { Channel, HangupCause } from '../channels/channel.js';
import type { PagingGroup } from '../config/paging.js';
import type { Employee } from '../config/schema.js';
import type { Destination } from '../core/dialplan.js';
import type { AppContext, DialTarget } from '../core/session.js';
import type { FrameListener, MediaEndpoint } from '../media/endpoint.js';
import { PcmSource, Player } from '../media/player.js';
import { digitsPrompt, sequence, siteLanguage } from '../media/prompts.js';
import type { Config } from '../config/schema.js';
import { parseVerbOptions } from './verb-options.js';

export const pageSchema = z
  .object({
    /** How long a member may take to answer by itself before it is withdrawn. */
    answer_timeout_s: z.number().int().min(1).max(60).default(5),
  })
  .strict();

export type PageOptions = z.input<typeof pageSchema>;

type PageDestination = Extract<Destination, { kind: 'page' }>;

/** The application of a page group's number: the caller's voice to every member. */
export async function page(ctx: AppContext, dest: PageDestination, options: PageOptions = {}): Promise<HangupCause> {
  const o = parseVerbOptions('page', pageSchema, options);
  const members = new PageMembers(ctx, dest.group, o.answer_timeout_s * 1000);
  const caller = ctx.caller;
  const offVoice = follow(caller, (f) => members.hear(f));
  try {
    // The pager may hang up while the members' phones are still being called: stop at once.
    const first = await Promise.race([members.start(), untilAborted(ctx.signal).then(() => undefined)]);
    if (ctx.signal.aborted) return 'normal';
    if (!first) return 'unavailable';
    caller.answer();
    if (ctx.signal.aborted) return 'normal';
    ctx.answered(first);
    ctx.log.info({ call: ctx.record.id, group: dest.group.number, members: members.up }, 'page: on air');
    await Promise.race([members.allGone, untilAborted(ctx.signal)]);
    return 'normal';
  } finally {
    offVoice();
    members.end();
  }
}

/**
 * Play `samples` to every member of `group` (the call's own caller keeps whatever it hears);
 * resolves when played, when nobody answered, or when the call ends.
 */
export async function announce(ctx: AppContext, group: PagingGroup, samples: Int16Array, options: PageOptions = {}): Promise<void> {
  const o = parseVerbOptions('page', pageSchema, options);
  const members = new PageMembers(ctx, group, o.answer_timeout_s * 1000);
  const player = new Player(ctx.clock, new PcmSource(samples, false));
  try {
    if (!(await Promise.race([members.start(), untilAborted(ctx.signal).then(() => undefined)]))) return;
    // Let every member that answers in time open its audio before the first word.
    await Promise.race([members.settled, untilAborted(ctx.signal)]);
    const off = player.onFrame((f) => members.hear(f));
    const ended = new Promise<void>((resolve) => player.onEnd(resolve));
    player.start();
    await Promise.race([ended, members.allGone, untilAborted(ctx.signal)]);
    off();
  } finally {
    player.stop();
    members.end();
  }
}

/**
 * "You are wanted on line 591", twice, on the page group `park.announce` names (when it
 * does): park.ts calls it once a call waits in `slot`. Runs beside the parked call's music;
 * its legs belong to the parked call.
 */
export function announceParked(ctx: AppContext, config: Readonly<Config>, slot: string): void {
  const number = config.park?.announce;
  const group = number !== undefined ? config.paging.find((g) => g.number === number) : undefined;
  if (!group) return;
  const words = ['wanted-on-line', 250, ...digitsPrompt(slot)];
  const samples = sequence(siteLanguage(config.site), [...words, 1000, ...words], { dataFolder: ctx.dataFolder, log: ctx.log });
  ctx.log.info({ call: ctx.record.id, slot, group: group.number }, 'park: announcing the slot');
  announce(ctx, group, samples).catch((err: unknown) => ctx.log.error({ err, call: ctx.record.id, slot }, 'park: the announcement failed'));
}

/** The legs of one page: called together, each hearing the page once up. */
class PageMembers {
  private readonly legs = new Set<Channel>();
  private readonly listening = new Set<MediaEndpoint>();
  private timer: ReturnType<AppContext['clock']['setTimeout']> | undefined;
  private resolveFirst: (leg: Channel | undefined) => void = () => {};
  private resolveGone: () => void = () => {};
  private resolveSettled: () => void = () => {};
  /** Every member hung up (or none answered). */
  readonly allGone = new Promise<void>((r) => (this.resolveGone = r));
  /** Every leg answered, failed, or was withdrawn at the timeout. */
  readonly settled = new Promise<void>((r) => (this.resolveSettled = r));

  constructor(private readonly ctx: AppContext, private readonly group: PagingGroup, private readonly answerMs: number) {}

  get up(): number {
    return this.listening.size;
  }

  /** Call every member; resolves with the first leg up, or undefined when none answered in time. */
  start(): Promise<Channel | undefined> {
    const first = new Promise<Channel | undefined>((r) => (this.resolveFirst = r));
    for (const target of this.targets()) for (const leg of target.legs()) this.call(leg);
    if (this.legs.size === 0) this.resolveFirst(undefined);
    this.timer = this.ctx.clock.setTimeout(() => {
      for (const leg of this.legs) if (leg.state !== 'up') leg.hangup('no-answer');
      this.resolveFirst(undefined);
      this.resolveSettled();
    }, this.answerMs);
    this.check();
    return first;
  }

  /** One frame of the page to every member that is up. */
  hear(frame: Int16Array): void {
    for (const m of this.listening) m.writeFrame(frame);
  }

  /** Hang up every member (the page is over). */
  end(): void {
    this.ctx.clock.clearTimeout(this.timer);
    for (const leg of [...this.legs]) leg.hangup('normal');
    this.listening.clear();
    this.resolveFirst(undefined);
    this.resolveSettled();
  }

  private targets(): DialTarget[] {
    const c = this.ctx.config;
    const employees = this.group.members.map((m) => c?.employees.find((e) => e.extension === m)).filter((e): e is Employee => e !== undefined);
    const targets = employees.filter((e) => e.extension !== this.ctx.caller.owner).map((e) => this.ctx.employee(e, { page: true }));
    const port = this.group.loudspeaker_port;
    // The loudspeaker is nobody's phone: reached as a device of the page group itself.
    if (port !== undefined) targets.push(this.ctx.employee({ name: this.group.name, extension: this.group.number, role: 'user', outside_calls: 'none', devices: [{ type: 'fxs', port }] }, { page: true }));
    return targets;
  }

  private call(leg: Channel): void {
    this.legs.add(leg);
    leg.on('state', (to) => {
      if (to !== 'up' || !leg.media) return;
      this.listening.add(leg.media);
      this.resolveFirst(leg);
      this.check();
    });
    leg.once('hangup', () => {
      this.legs.delete(leg);
      if (leg.media) this.listening.delete(leg.media);
      this.check();
    });
    this.ctx.offer(leg);
  }

  private check(): void {
    if ([...this.legs].every((l) => l.state === 'up')) this.resolveSettled();
    if (this.legs.size === 0) {
      this.resolveFirst(undefined);
      this.resolveGone();
    }
  }
}

/** Listen to `channel`'s voice, following its media endpoint when it is replaced (a re-INVITE). */
function follow(channel: Channel, listener: FrameListener): () => void {
  let off = channel.media?.onFrame(listener) ?? (() => {});
  const onMedia = (m: MediaEndpoint | undefined): void => {
    off();
    off = m?.onFrame(listener) ?? (() => {});
  };
  channel.on('media', onMedia);
  return () => {
    off();
    channel.off('media', onMedia);
  };
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return signal.aborted ? Promise.resolve() : new Promise((r) => signal.addEventListener('abort', () => r(), { once: true }));
}
