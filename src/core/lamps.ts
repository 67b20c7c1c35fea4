/**
 * Busy lamps: what each employee's phones are doing, per call, as watchers see it — a
 * colleague's BLF key (SIP `dialog` and `presence` subscriptions, channels/sip/events/) and
 * the secretary console over the WebSocket (`lamp` events on the observer channel).
 *
 * It follows the channel registry (every channel registered, its state changes, its end)
 * and the employees' live state (`employee.state`: DND) and analog ports going offline or
 * back (`line.state`), and is told when a SIP registration comes or goes (`touch`). Nothing is polled: each
 * change is pushed to the listeners at once, synchronously.
 *
 * Each channel is one dialog of its owner, in RFC 4235's words (§3.7.1):
 * - a call the employee places (an inbound leg: `initiator`): idle/dialing → `trying`,
 *   proceeding (routed, the exchange said 100) → `proceeding`, alerting → `early`;
 * - a call to the employee (an outbound leg: `recipient`): idle/proceeding → `trying`,
 *   alerting (the phone rings) → `early`;
 * - up → `confirmed`; released → `terminated`. The last ended dialog is kept (one per
 *   employee) so an idle lamp says `terminated`, as phones and Asterisk expect.
 *
 * Dialog identifiers shown to watchers (call-id, tags) are random tokens of this board, not
 * the real SIP ones: a watcher may copy them into an INVITE with Replaces to pick the call
 * up (resolved here by `ringingCall`), but cannot use them to address the real dialogs.
 */
import type { Channel, ChannelState, Party } from '../channels/channel.js';
import type { Availability } from './availability.js';
import type { ChannelRegistry } from './channels.js';
import type { EventBus } from './events.js';
import { randomToken } from '../sip/random.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../../common/log.js';

export type LampDialogState = 'trying' | 'proceeding' | 'early' | 'confirmed' | 'terminated';
/** The summary a BLF key or the console shows. */
export type LampState = 'idle' | 'ringing' | 'busy' | 'dnd' | 'unreachable';

export interface LampDialog {
  id: string;
  callId: string;
  localTag: string;
  remoteTag: string;
  direction: 'initiator' | 'recipient';
  state: LampDialogState;
  /** The other party (the caller of a call ringing the employee, the number the employee dialled). */
  remote: Party | undefined;
}

export interface LampView {
  extension: string;
  lamp: LampState;
  /** DND switched on (live state). */
  dnd: boolean;
  /** The employee's calls now, oldest first; or the last one, terminated, when there is none. */
  dialogs: LampDialog[];
}

export interface LampDeps {
  channels: ChannelRegistry;
  events: EventBus;
  /** core/availability.ts for the extension (free, busy, dnd, unreachable). */
  availability(extension: string): Availability;
  /** Whether the owner is an employee (city lines own channels too, and have no lamp). */
  isEmployee(extension: string): boolean;
  /** The directed-pickup code in force (`*8`): a ringing lamp's target, for the phones that dial it. */
  pickupCode(): string;
  log?: Logger;
}

/**
 * The lamps of extensions another site owns (network/site-lamps.ts): their views come from
 * that site's NOTIFYs, kept while someone here watches (`acquire`/`release` count the watchers).
 */
export interface RemoteLampSource {
  owns(extension: string): boolean;
  view(extension: string): LampView;
  acquire(extension: string): void;
  release(extension: string): void;
  /** The extensions watched here now, with their sites (GET /api/lamps lists them after the employees). */
  watchedNow(): Array<{ extension: string; site: string }>;
  /** The watched extension whose lamp shows a ringing dialog with this call-id (its site's token), for a pickup by Replaces. */
  ringingExtension?(callId: string): string | undefined;
}

interface Tracked {
  channel: Channel;
  /** The tokens a watcher sees, made the first time a NOTIFY shows this dialog (most calls are never watched). */
  ids?: { callId: string; localTag: string; remoteTag: string };
  dialled?: string;
}

function dialogState(ch: Channel, state: ChannelState): LampDialogState {
  switch (state) {
    case 'up':
      return 'confirmed';
    case 'released':
      return 'terminated';
    case 'alerting':
      return 'early';
    case 'proceeding':
      return ch.direction === 'inbound' ? 'proceeding' : 'trying';
    default:
      return 'trying';
  }
}

const EXTENSIONS = new WeakMap<object, Set<string>>();
/** The employees' extensions of a configuration snapshot, made once per snapshot (the board asks on every channel change). */
export function extensionsOf(config: Readonly<Config> | null): ReadonlySet<string> {
  if (!config) return new Set();
  let set = EXTENSIONS.get(config);
  if (!set) EXTENSIONS.set(config, (set = new Set(config.employees.map((e) => e.extension))));
  return set;
}

export class LampBoard {
  private readonly live = new Map<string, Map<string, Tracked>>();
  private readonly ended = new Map<string, LampDialog>();
  private readonly byCallId = new Map<string, Tracked>();
  private readonly listeners = new Set<(extension: string) => void>();
  /** Analog ports (card/port) last seen offline or faulty. */
  private readonly portsDown = new Set<string>();
  /**
   * Views computed in this turn of the event loop: a change is rendered once per watcher,
   * synchronously, and reading availability (the live state's row) once is enough. Emptied
   * at the end of the turn, and for an extension whenever it changes.
   */
  private readonly turn = new Map<string, LampView>();
  /** Another site's extensions (set by boot/network.ts while the network runs). */
  remote: RemoteLampSource | undefined;

  constructor(private readonly deps: LampDeps) {
    deps.channels.onAdded((ch) => this.track(ch));
    deps.events.on('employee.state', (e) => this.touch(e.extension));
    // An analog phone's port going offline or faulty (or back) changes whether it can ring.
    deps.events.on('line.state', (e) => {
      if (e.kind !== 'fxs' || !e.assigned) return;
      const key = `${e.card}/${e.port}`;
      const down = e.state === 'offline' || e.state === 'fault';
      if (down === this.portsDown.has(key)) return;
      if (down) this.portsDown.add(key);
      else this.portsDown.delete(key);
      this.touch(e.assigned);
    });
  }

  /** Be told of each change of an extension's lamp (its dialogs, DND, reachability). */
  onChange(listener: (extension: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Something outside the channels changed the extension's lamp (a registration, DND). */
  touch(extension: string): void {
    if (!this.deps.isEmployee(extension)) return;
    this.turn.delete(extension);
    const view = this.compute(extension, false);
    this.deps.events.emit('lamp', {
      extension, lamp: view.lamp, dnd: view.dnd,
      dialogs: view.dialogs.map((d) => ({ id: d.id, direction: d.direction, state: d.state })),
    });
    this.tell(extension);
  }

  /** A remote extension's lamp changed (its site's NOTIFY, or the site went down): the watchers are told. */
  remoteChanged(extension: string): void {
    if (this.deps.isEmployee(extension)) return; // our own employees' lamps are ours only
    this.tell(extension);
  }

  /** A watcher here began (or stopped) watching `extension`: another site's extension is subscribed to while watched. */
  acquire(extension: string): void {
    if (!this.deps.isEmployee(extension) && this.remote?.owns(extension)) this.remote.acquire(extension);
  }

  release(extension: string): void {
    if (!this.deps.isEmployee(extension) && this.remote?.owns(extension)) this.remote.release(extension);
  }

  private tell(extension: string): void {
    for (const l of this.listeners) {
      // Called from a channel's state change: a watcher's fault must not reach the call.
      try {
        l(extension);
      } catch (err) {
        this.deps.log?.warn({ err, extension }, 'lamps: a listener failed');
      }
    }
  }

  /** The lamp now (shared within a turn of the event loop: not to be modified). */
  view(extension: string): LampView {
    if (this.remote && !this.deps.isEmployee(extension) && this.remote.owns(extension)) return this.remote.view(extension);
    let v = this.turn.get(extension);
    if (!v) {
      v = this.compute(extension, true);
      if (this.turn.size === 0) queueMicrotask(() => this.turn.clear());
      this.turn.set(extension, v);
    }
    return v;
  }

  /** `withIds` false: without the watchers' tokens (the `lamp` event shows none, and most calls are never watched). */
  private compute(extension: string, withIds: boolean): LampView {
    const mine = this.live.get(extension);
    const dialogs = mine ? [...mine.values()].map((t) => this.dialogOf(t, t.channel.state, withIds)) : [];
    const availability = this.deps.availability(extension);
    const dnd = availability === 'dnd';
    let lamp: LampState;
    if (dialogs.some((d) => d.direction === 'recipient' && d.state === 'early')) lamp = 'ringing';
    else if (dialogs.length) lamp = 'busy';
    else lamp = dnd ? 'dnd' : availability === 'unreachable' ? 'unreachable' : 'idle';
    if (dnd && lamp === 'busy') lamp = 'dnd';
    const last = this.ended.get(extension);
    return { extension, lamp, dnd, dialogs: dialogs.length || !last ? dialogs : [last] };
  }

  pickupCode(): string {
    return this.deps.pickupCode();
  }

  /** The call ringing a phone that a lamp's dialog names (its call-id token), for a pickup by Replaces. */
  ringingCall(callId: string): Channel | undefined {
    const t = this.byCallId.get(callId);
    if (!t) return undefined;
    const ch = t.channel;
    return ch.direction === 'outbound' && (ch.state === 'proceeding' || ch.state === 'alerting') ? ch : undefined;
  }

  private dialogOf(t: Tracked, state: ChannelState, withIds = true): LampDialog {
    const ch = t.channel;
    if (!t.ids && withIds) {
      t.ids = { callId: randomToken(12), localTag: randomToken(6), remoteTag: randomToken(6) };
      if (state !== 'released') this.byCallId.set(t.ids.callId, t);
    }
    const remote = ch.direction === 'outbound' ? (ch.caller.number ? ch.caller : undefined) : t.dialled !== undefined ? { number: t.dialled } : undefined;
    return {
      id: ch.id, callId: t.ids?.callId ?? '', localTag: t.ids?.localTag ?? '', remoteTag: t.ids?.remoteTag ?? '',
      direction: ch.direction === 'inbound' ? 'initiator' : 'recipient', state: dialogState(ch, state), remote,
    };
  }

  private track(ch: Channel): void {
    const owner = ch.owner;
    if (!this.deps.isEmployee(owner)) return;
    const t: Tracked = { channel: ch };
    const mine = this.live.get(owner) ?? new Map<string, Tracked>();
    mine.set(ch.id, t);
    this.live.set(owner, mine);
    this.ended.delete(owner);
    const onState = (to: ChannelState, from: ChannelState): void => {
      if (to === 'released' || dialogState(ch, to) === dialogState(ch, from)) return;
      this.touch(owner);
    };
    ch.on('state', onState);
    if (ch.direction === 'inbound') {
      ch.once('destination', (n) => {
        t.dialled = n;
        this.turn.delete(owner);
      });
    }
    ch.once('hangup', () => {
      ch.off('state', onState);
      mine.delete(ch.id);
      if (mine.size === 0 && this.live.get(owner) === mine) this.live.delete(owner);
      if (t.ids) this.byCallId.delete(t.ids.callId);
      this.ended.set(owner, this.dialogOf(t, 'released', false)); // its tokens if a watcher saw it; none otherwise
      this.touch(owner);
    });
    this.touch(owner);
  }
}
