/**
 * The conference rooms in use now: meet-me rooms (a configured number) and ad-hoc rooms
 * (`*3`, one per extension: where its phone and its other calls meet for a three-way
 * call). A room is a Bridge of the core — two members relay, three or more are mixed, each
 * hearing every other and never itself — that no single call owns: every member comes
 * through a call of its own (src/apps/conference.ts), and the room ends with its last
 * member. The rooms share the board's mixing capacity (`media.conference_max`): a join
 * beyond a room's `max_members` or beyond the board's capacity is refused with a reason,
 * which the application announces.
 */
import type { Clock } from '../../common/clock.js';
import { FailureLimiter, type RateLimitOptions } from '../../common/failure-limiter.js';
import type { Channel } from '../channels/channel.js';
import type { MixerBudget } from '../media/mixer.js';
import { PcmSource, Player } from '../media/player.js';
import { renderTone } from '../media/tones/generator.js';
import { Bridge } from './bridge.js';
import type { EventBus } from './events.js';

/** Which room: a meet-me room's number, or the extension whose ad-hoc conference it is. */
export interface RoomKey {
  kind: 'meet-me' | 'ad-hoc';
  /** The room's number (meet-me) or the extension (ad-hoc). */
  id: string;
  /** Most members at once. */
  maxMembers: number;
}

/** Why a join was refused. */
export type JoinRefusal = 'room-full' | 'board-full';

/** A member's place in a room. */
export interface RoomSeat {
  readonly bridge: Bridge;
  /** Leave the room (idempotent); the last one out ends it. */
  leave(): void;
}

/** A room as GET /api/calls shows it. */
export interface RoomView {
  room: string;
  kind: RoomKey['kind'];
  bridge: string;
  members: Array<{ channel: string; owner: string }>;
  maxMembers: number;
  since: string;
}

interface Room {
  key: RoomKey;
  bridge: Bridge;
  since: number;
  /** Chimes playing now (stopped when the room ends). */
  chimes: Set<() => void>;
}

const chime = (...notes: number[]): Int16Array =>
  renderTone({ levelDbm0: -16, segments: notes.map((f, i) => ({ durationMs: i === notes.length - 1 ? 160 : 120, freqs: [f] })), repeat: false }, 120 * notes.length + 40);
/** What every member hears when someone comes in (two rising notes) or leaves (falling), as in most conference bridges. */
export const ENTRY_CHIME = chime(660, 990);
export const EXIT_CHIME = chime(990, 660);

export interface ConferenceRoomsDeps {
  clock: Clock;
  events: EventBus;
  /** Conference members the board may have at once, across every room (board `media.conference_max`). */
  boardMax: number;
  budget?: MixerBudget;
  /** Told of each room's bridge (the live view watches its members). */
  bridgeCreated?: (bridge: Bridge) => void;
}

/** Wrong conference PINs a caller (their number) may key before being locked out of every room. */
export const PIN_LIMIT: RateLimitOptions = { maxFailures: 5, windowMs: 10 * 60_000, lockMs: 15 * 60_000 };

const name = (k: RoomKey): string => `${k.kind}:${k.id}`;

export class ConferenceRooms {
  private readonly rooms = new Map<string, Room>();
  /** Wrong PINs per caller number, across rooms (src/apps/conference.ts counts them). */
  readonly pinFailures: FailureLimiter;

  constructor(private readonly deps: ConferenceRoomsDeps) {
    this.pinFailures = new FailureLimiter(deps.clock, PIN_LIMIT);
  }

  /** Members in every room now (what the board's capacity counts). */
  get members(): number {
    let n = 0;
    for (const r of this.rooms.values()) n += r.bridge.size;
    return n;
  }

  /** Whether `key` has room for one more now (asked before a PIN is collected, so a full room says so at once). */
  refusal(key: RoomKey): JoinRefusal | undefined {
    const room = this.rooms.get(name(key));
    if (room && room.bridge.size >= key.maxMembers) return 'room-full';
    if (this.members >= this.deps.boardMax) return 'board-full';
    return undefined;
  }

  /** Put `channel` in the room (created on the first join), or say why not. */
  join(key: RoomKey, channel: Channel): RoomSeat | JoinRefusal {
    const refused = this.refusal(key);
    if (refused) return refused;
    const room = this.rooms.get(name(key)) ?? this.open(key);
    if (!room.bridge.add(channel)) {
      this.closeIfEmpty(room);
      return 'room-full'; // the channel hung up meanwhile: nobody to tell
    }
    this.chime(room, ENTRY_CHIME);
    let seated = true;
    // A member that hangs up leaves the bridge by itself (Bridge.add): the room must notice.
    const onLeft = (ch: Channel): void => {
      if (ch === channel) leave();
    };
    const leave = (): void => {
      if (!seated) return;
      seated = false;
      room.bridge.off('left', onLeft);
      room.bridge.remove(channel);
      if (room.bridge.size > 0) this.chime(room, EXIT_CHIME);
      this.closeIfEmpty(room);
    };
    room.bridge.on('left', onLeft);
    return { bridge: room.bridge, leave };
  }

  /** The rooms in use now. */
  list(): RoomView[] {
    return [...this.rooms.values()].map((r) => ({
      room: r.key.id, kind: r.key.kind, bridge: r.bridge.id, maxMembers: r.key.maxMembers, since: new Date(r.since).toISOString(),
      members: r.bridge.channels().map((c) => ({ channel: c.id, owner: c.owner })),
    }));
  }

  /** Bridges of the rooms in use (for Switch.bridges()). */
  bridges(): Bridge[] {
    return [...this.rooms.values()].map((r) => r.bridge);
  }

  /** End every room (shutdown): its members are hung up. */
  close(): void {
    for (const r of [...this.rooms.values()]) {
      const members = r.bridge.channels();
      this.rooms.delete(name(r.key));
      for (const stop of [...r.chimes]) stop();
      r.bridge.close();
      for (const ch of members) ch.hangup('congestion');
    }
  }

  /** Play `samples` to every member (a playback attached to the room's bridge). */
  private chime(room: Room, samples: Int16Array): void {
    const player = new Player(this.deps.clock, new PcmSource(samples));
    const detach = room.bridge.attach(player);
    const stop = (): void => {
      if (!room.chimes.delete(stop)) return;
      offEnd();
      player.stop();
      detach();
    };
    const offEnd = player.onEnd(stop);
    room.chimes.add(stop);
    player.start();
  }

  private open(key: RoomKey): Room {
    const bridge = new Bridge({ clock: this.deps.clock, dtmf: 'app', ...(this.deps.budget ? { budget: this.deps.budget } : {}) });
    const room: Room = { key, bridge, since: this.deps.clock.now(), chimes: new Set() };
    this.rooms.set(name(key), room);
    this.deps.bridgeCreated?.(bridge);
    this.deps.events.emit('conference.started', { room: key.id, kind: key.kind, bridge: bridge.id });
    return room;
  }

  private closeIfEmpty(room: Room): void {
    if (room.bridge.size > 0 || this.rooms.get(name(room.key)) !== room) return;
    this.rooms.delete(name(room.key));
    for (const stop of [...room.chimes]) stop();
    room.bridge.close();
    this.deps.events.emit('conference.ended', { room: room.key.id, kind: room.key.kind, bridge: room.bridge.id });
  }
}
