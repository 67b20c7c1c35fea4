/**
 * The live view of the exchange (GET /api/calls, the web UI's call board): every channel
 * now — whose, which technology and line, its state and since when, held or not — and
 * every bridge with its members (who talks with whom). It watches the channel registry and
 * the bridges, keeps the times the channels arrived and changed state, and publishes each
 * change on the observer channel (`channel.added`, `channel.state`, `channel.removed`,
 * `bridge.members`). Reading it walks the live objects: nothing is copied per packet.
 *
 * "Held" means the channel waits in the exchange's holding bridge (it hears music on hold).
 */
import type { Clock } from '../../common/clock.js';
import type { Channel, ChannelState, Direction, Party } from '../channels/channel.js';
import type { Bridge, BridgeKind, BridgeMediaMode } from './bridge.js';
import type { CallRecord } from './call-record.js';
import type { EventBus } from './events.js';

export interface ChannelView {
  id: string;
  tech: string;
  direction: Direction;
  state: ChannelState;
  /** The employee's extension or the city line it belongs to. */
  owner: string;
  caller: Party;
  /** When the exchange first saw it, and when it entered its current state (ISO 8601). */
  since: string;
  stateSince: string;
  held: boolean;
  /** The bridge it is in now (the holding bridge when held), if any. */
  bridge: string | null;
  /** The call it belongs to, if any (the caller's channel or one of its legs). */
  call: string | null;
}

export interface BridgeView {
  id: string;
  kind: BridgeKind;
  mode: BridgeMediaMode;
  members: string[];
}

export interface CallView {
  id: string;
  state: string;
  from: string;
  to: string;
  /** The caller's channel. */
  channel: string;
  startedAt: string;
  answeredAt: string | null;
}

export interface LiveSnapshot {
  calls: CallView[];
  channels: ChannelView[];
  bridges: BridgeView[];
}

/** ISO strings, made once per change rather than on every read of the view. */
interface Times {
  since: string;
  stateSince: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export class LiveView {
  private readonly times = new Map<string, Times>();

  constructor(private readonly clock: Clock, private readonly events: EventBus, private readonly holding: Bridge) {
    this.watchBridge(holding);
  }

  /** A channel the registry just took in. */
  channelAdded(ch: Channel): void {
    const now = iso(this.clock.now());
    this.times.set(ch.id, { since: now, stateSince: now });
    const onState = (to: ChannelState, from: ChannelState): void => {
      const t = this.times.get(ch.id);
      if (t) t.stateSince = iso(this.clock.now());
      if (to !== 'released') this.events.emit('channel.state', { channel: ch.id, owner: ch.owner, state: to, from });
    };
    ch.on('state', onState);
    ch.once('hangup', (cause) => {
      ch.off('state', onState);
      this.times.delete(ch.id);
      this.events.emit('channel.removed', { channel: ch.id, owner: ch.owner, cause });
    });
    this.events.emit('channel.added', { channel: ch.id, owner: ch.owner, tech: ch.tech, direction: ch.direction, state: ch.state, caller: ch.caller.number });
  }

  /** Publish the members of `bridge` each time they change. */
  watchBridge(bridge: Bridge): void {
    const publish = (change: 'joined' | 'left') => (ch: Channel): void =>
      this.events.emit('bridge.members', {
        bridge: bridge.id, kind: bridge.kind, change, channel: ch.id, owner: ch.owner,
        members: bridge.channels().map((m) => ({ channel: m.id, owner: m.owner })),
      });
    bridge.on('joined', publish('joined'));
    bridge.on('left', publish('left'));
  }

  /** Everything live now, from the registry's channels, the calls' records and the bridges with members. */
  snapshot(channels: Channel[], calls: CallRecord[], bridges: Bridge[]): LiveSnapshot {
    const all = this.holding.size ? [this.holding, ...bridges] : bridges;
    const bridgeOf = new Map<string, string>();
    for (const b of all) for (const ch of b.channels()) bridgeOf.set(ch.id, b.id);
    const callOf = new Map<string, string>();
    const callViews = calls.map((r): CallView => {
      callOf.set(r.caller.id, r.id);
      for (const leg of r.legChannels()) callOf.set(leg, r.id);
      return {
        id: r.id, state: r.state, from: r.caller.caller.number, to: r.destination, channel: r.caller.id,
        startedAt: iso(r.startedAt), answeredAt: r.answeredAt === undefined ? null : iso(r.answeredAt),
      };
    });
    const now = iso(this.clock.now());
    return {
      calls: callViews,
      channels: channels.map((ch): ChannelView => {
        const t = this.times.get(ch.id) ?? { since: now, stateSince: now };
        return {
          id: ch.id, tech: ch.tech, direction: ch.direction, state: ch.state, owner: ch.owner, caller: { ...ch.caller },
          since: t.since, stateSince: t.stateSince, held: this.holding.has(ch),
          bridge: bridgeOf.get(ch.id) ?? null, call: callOf.get(ch.id) ?? null,
        };
      }),
      bridges: all.map((b) => ({ id: b.id, kind: b.kind, mode: b.mode, members: b.channels().map((c) => c.id) })),
    };
  }
}

/**
 * What an employee (role user) may see of the live view: their own channels, the channels
 * they share a bridge or a call with, those bridges and those calls — never other
 * employees' calls. Admins see the whole snapshot.
 */
export function visibleTo(view: LiveSnapshot, extension: string): LiveSnapshot {
  const mine = new Set(view.channels.filter((c) => c.owner === extension).map((c) => c.id));
  const calls = new Set(view.channels.filter((c) => mine.has(c.id) && c.call).map((c) => c.call!));
  const bridges = view.bridges.filter((b) => b.kind !== 'holding' && b.members.some((m) => mine.has(m)));
  const seen = new Set([...mine, ...bridges.flatMap((b) => b.members)]);
  for (const c of view.channels) if (c.call && calls.has(c.call)) seen.add(c.id);
  return {
    calls: view.calls.filter((c) => calls.has(c.id)),
    channels: view.channels.filter((c) => seen.has(c.id)),
    bridges,
  };
}
