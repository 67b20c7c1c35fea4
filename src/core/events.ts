/**
 * The observer channel (as mediasoup's): everything the exchange does that someone may
 * want to watch — the web UI's live view, the audit trail, tests — is published here.
 * Nothing subscribes to it to drive behaviour; listeners that throw are logged and
 * ignored so a broken observer cannot stop a call.
 */
import type { Logger } from '../../common/log.js';
import type { CallRecordData } from './call-record.js';

/** Every event type with its payload. Later issues add theirs here. */
export interface ExchangeEvents {
  'exchange.ready': { http: string; sip: string };
  'exchange.stopping': Record<string, never>;
  /** The box took new SIP dialogs again (`serving`) or answers them 503 + Retry-After (`draining`, channels/sip/draining.ts); `by` is who asked. */
  'sip.draining': { state: 'serving' | 'draining'; since: number; retry_after_s: number | null; by: string };
  'config.applied': { revision: number; actor: string };
  'config.rejected': { actor: string; errors: string[] };
  'auth.login': { extension: string; ok: boolean; ip: string };
  /** Too many failed logins (web) or digest authentications (SIP): `key` (an address or an extension) waits until `until` (epoch ms). */
  'security.lockout': { service: 'sip' | 'web'; kind: 'address' | 'extension'; key: string; until: number };
  'call.started': { call: string; from: string; to: string; tech: string; kind: string };
  'call.answered': { call: string; by: string; tech: string };
  /** The call is over; `record` is what happened to the caller's channel (call-record.ts), what the CDR is written from. */
  'call.ended': { call: string; cause: string; from: string; to: string; record: CallRecordData };
  /** A DTMF digit one leg of a connected call sent (`from`: that leg's owner), and its form. */
  'call.dtmf': { call: string; from: string; digit: string; via: 'rfc4733' | 'info' | 'inband' };
  /** A call waits in park slot `slot` (the slot is announced by this event); `parker` is rung when nobody takes it back. */
  'call.parked': { slot: string; call: string; parker: string; from: string };
  /** The park slot is free again: the call was retrieved, recalled, or its party hung up. */
  'call.unparked': { slot: string; call: string };
  /** A colleague answered a call ringing someone else (`*8`, `*8` + extension). */
  'call.picked-up': { call: string; by: string; ringing: string[] };
  /** An employee's forwarding, do-not-disturb or call waiting changed (`by`: `phone:201` for a feature code, `api:201`, `cli`); `state` is the live state now. Users see their own only. */
  'employee.state': { extension: string; by: string; feature?: string; state: Record<string, unknown> };
  /** A feature code was dialled but refused (a forwarding target that leads nowhere or is barred). */
  'feature.refused': { extension: string; feature: string; reason: string };
  /** The call to `from` went on to `to` by its forwarding (`reason`); `hop` counts the forwards of this call. */
  'call.forwarded': { call: string; from: string; to: string; reason: 'all' | 'busy' | 'dnd' | 'no-answer' | 'unreachable'; hop: number };
  /** A conference room opened with its first member (`kind` meet-me: a configured number; ad-hoc: `*3` of extension `room`), or closed with its last. */
  'conference.started': { room: string; kind: string; bridge: string };
  'conference.ended': { room: string; kind: string; bridge: string };
  /** A caller was kept out of a room: `reason` full (the room's or the board's cap), wrong-pin, locked (too many wrong PINs). Never the digits tried. */
  'conference.refused': { room: string; from: string; reason: 'room-full' | 'board-full' | 'wrong-pin' | 'locked' };
  /** The live view (live-view.ts): a channel the core now knows, its state changes, its end. Users see their own channels' only. */
  'channel.added': { channel: string; owner: string; tech: string; direction: string; state: string; caller: string };
  'channel.state': { channel: string; owner: string; state: string; from: string };
  'channel.removed': { channel: string; owner: string; cause: string };
  /** A channel joined or left a bridge (`kind` holding: put on / taken off hold); `members` is who is in it now. Users see bridges they are or were in. */
  'bridge.members': { bridge: string; kind: string; change: 'joined' | 'left'; channel: string; owner: string; members: Array<{ channel: string; owner: string }> };
  /** The office mode changed (schedule.ts, office-mode.ts): `by` is who forced it, or `schedule`; `until` epoch ms or null. */
  'office.mode': { mode: string; previous: string; forced: boolean; until: number | null; by: string };
  /**
   * Incoming distribution (apps/number.ts, apps/department.ts): each step of a call's path,
   * `path` being the steps so far (`number:0140000001`, `mode:night`, `department:600`, …)
   * so the web UI can draw it. `decided`: a number chose its route for the mode; `ringing`:
   * a member's phones ring; `skipped`: a member was passed over (`reason` busy, dnd,
   * unreachable); `answered`; `no-answer`: a department's final destination is taken.
   * Voice menus (apps/menu.ts): `menu` (its greeting plays), `key` (a choice, with `route`),
   * `dialled` (an extension keyed during the greeting), `invalid`, `no-input`, `default`,
   * `disa` (a right outside-line PIN: `extension` is whose rights apply; never the PIN).
   * Queues (apps/queue.ts): `queued` (the caller waits), `ringing`/`answered` (an agent),
   * `key` (voicemail or callback), `overflow` (`reason` max-wait or empty).
   */
  'route.step': {
    call: string; step: 'decided' | 'ringing' | 'skipped' | 'answered' | 'no-answer' | 'menu' | 'key' | 'dialled' | 'invalid' | 'no-input' | 'default' | 'disa' | 'queued' | 'overflow';
    path: string[];
    /** `key`, `invalid`: the key the caller pressed in a voice menu; `dialled`: the extension keyed during its greeting. */
    key?: string;
    extension?: string; reason?: string; mode?: string; route?: { type: string; target?: string; greeting?: string };
  };
  /**
   * Sticky routing (apps/sticky.ts): the manager responsible for the caller was found
   * (`source`: history, a CRM's name, `cache:…`) and rings first, from `origin` (the
   * department or queue the call came through); `sticky.fallback`: the call returns to
   * `origin` (`reason` not-found, busy, dnd, unreachable, no-answer) or goes to the default
   * destination (`to`).
   */
  'sticky.found': { call: string; extension: string; source: string; origin: string };
  'sticky.fallback': { call: string; reason: 'not-found' | 'busy' | 'dnd' | 'unreachable' | 'no-answer'; origin: string; extension?: string; to?: string };
  /** A mailbox's messages changed (a message left, heard, deleted): what the message-waiting lamps show. */
  'voicemail.changed': { box: string; unheard: number; heard: number; why: 'left' | 'heard' | 'new' | 'deleted' };
  /** A mailbox's PIN or greeting changed (by phone or the API); never the PIN itself. */
  'voicemail.settings': { box: string; what: 'pin' | 'greeting'; by: string };
  /**
   * Call queues (src/acd, apps/queue.ts). `queue.agent`: an agent's state changed (`by`:
   * `phone:201`, `api:100`, `engine`, `wrap-up`; an auto-pause has `reason` no-answer);
   * `queue.caller`: a caller joined, was answered, left (`why`), asked for a callback;
   * `queue.stats`: a queue's live figures after a change (as GET /api/queues). Users see
   * them for the queues they supervise, and their own agent state.
   */
  'queue.agent': { extension: string; state: string; reason?: string; queues: string[]; by: string; supervisors: string[]; paused_in?: Record<string, string> };
  'queue.caller': { queue: string; call?: string; change: 'joined' | 'answered' | 'left' | 'callback' | 'position'; why?: string; agent?: string; wait_s?: number; position?: number; estimate_s?: number; supervisors: string[] };
  'queue.stats': Record<string, unknown> & { extension: string; supervisors: string[] };
  /** A line card's link or health changed (online, offline, rebooted, fault). */
  'card.status': { card: string; status: 'online' | 'offline' | 'rebooted' | 'fault'; reason?: string; model?: string; firmware?: string };
  /** An analog port changed state (idle, dialing, ringing, talking, offline, fault…). */
  'line.state': { kind: 'fxs' | 'fxo'; port: number; card: string; state: string; assigned: string | null; peer: string | null };
  /**
   * Trunk queueing (src/outgoing/camp-on): an employee's request to wait for a line changed —
   * `waiting` (queued in `groups`), `recalling` (`line` was taken for them, their phone rings
   * back), then `connected`, `cancelled`, `expired` or `unanswered` (with `reason`).
   */
  'camp-on.changed': { id: string; extension: string; number: string; groups: string[]; since: number; state: string; line: string | null; reason?: string };
  /** A toll-fraud limit refused an outside call (src/outgoing/limits.ts): whose rights it used, the number, which limit and its maximum. */
  'outgoing.limit': { call: string; extension: string; number: string; limit: string; max: number };
  /** An outside call was refused by the outside-call policy: a trunk-to-trunk transfer while they are off. */
  'outgoing.refused': { call: string; extension: string; number: string; reason: string };
  /**
   * A SIP trunk's state changed (src/trunks): `state` registering, registered, failed (with the
   * provider's `reason`), unreachable — or, for a static peer, reachable / unreachable — with
   * the consecutive failures, the next attempt (epoch ms) and the last OPTIONS keepalive.
   */
  'trunk.state': {
    trunk: string; kind: 'registration' | 'peer'; state: string; reason: string | null;
    failures: number; next_attempt_at: number | null; options: { at: number; result: string } | null;
  };
  /**
   * The director's secretary (src/apps/secretary.ts): `decided` (the filter's route and
   * reason), `ringing` (who rings now), `overflow`, `answered` (by whom), `screening` (the
   * exchange asks the name), `offered` (to the director with the whisper), `choice` (the
   * director's key: take, secretary, voicemail, deputy), `deputy` (the caller told whom).
   */
  'secretary.step': {
    call: string; director: string; step: 'decided' | 'ringing' | 'overflow' | 'answered' | 'screening' | 'offered' | 'choice' | 'deputy' | 'message';
    route?: string; reason?: string; ruleSet?: string; ringing?: string[]; by?: string; choice?: string; deputy?: { name: string; position: string; number: string };
  };
  /** A director's switches changed (filtering on/off, DND via the secretary, the active rule set), by a phone or the API. */
  'secretary.switches': { director: string; filtering: boolean; dnd: boolean; ruleSet: string; by: string };
  /** A caller waits on hold for a director (`held`), is reminded (`reminder`, the count), recalled, or taken back (`retrieved`, `gone`). */
  'secretary.hold': { call: string; director: string; assistant: string; caller: { number: string; name?: string }; step: 'held' | 'reminder' | 'recall' | 'retrieved' | 'gone'; reminders: number; since: number };
  /** A secretary's call for a director on the console's desk (secretary/desk.ts): its state now (`step`), or `gone` from the desk; `caller.name` is the presented name. */
  'secretary.desk': { call: string; director: string; assistant: string; caller: { number: string; name?: string }; state: 'talking' | 'held' | 'announcing' | 'consulting'; since: number; step: 'talking' | 'held' | 'announcing' | 'consulting' | 'gone' };
  /** A director's call notes changed: what their message lamp shows (`fresh` new notes). */
  'notes.changed': { director: string; fresh: number; done: number; note?: number; why: 'created' | 'edited' | 'done' | 'new' };
  /**
   * An employee's busy lamp changed (core/lamps.ts): `lamp` idle, ringing, busy, dnd or
   * unreachable, and each call as RFC 4235 names its state (`direction` initiator: the
   * employee called; recipient: the employee is called). No party numbers: every user may watch.
   */
  'lamp': { extension: string; lamp: string; dnd: boolean; dialogs: Array<{ id: string; direction: string; state: string }> };
  /** Someone rang at a door (its button, or the SIP door station's call): who rings now. */
  'door.rang': { door: string; call: string; ringing: string[] };
  /** An attempt to open a door, right or wrong (the digits keyed are never published). */
  'door.attempt': { door: string; by: string; how: 'rfc4733' | 'info' | 'inband' | 'web'; result: string };
  'door.opened': { door: string; by: string; how: 'rfc4733' | 'info' | 'inband' | 'web'; open_s: number };
  /** Three wrong codes within a minute: codes are refused until `until`. */
  'door.locked': { door: string; until: number };
  /** The lock's relay changed (energised to open, or back at rest, and why). */
  'door.relay': { door: string; energised: boolean; why: string };
  /** The door contact: open or closed; `forced` when it opened without an opening. */
  'door.contact': { door: string; open: boolean; forced: boolean };
  /** A door's alarm raised (the door forced open) or cleared (`by`: the admin who acknowledged it). */
  'door.alarm': { door: string; alarm: 'forced'; active: boolean; by?: string };
  /** A peer site came up or went down (network/peer-health.ts: a probe answered; three misses or a dropped connection). */
  'network.peer': { site: string; state: 'up' | 'down' };
  /** A peer site announced a new record (its ranges, public number template, names). */
  'network.routes': { site: string; serial: number };
  /** A site joined or was removed from the network (this site too). */
  'network.member': { site: string; change: 'added' | 'removed' };
  /** A TLS peer was refused: its certificate is not pinned, or its invitation secret is wrong. */
  'network.refused': { address: string; fingerprint: string | null };
  /** A call to another site's short number goes out on a local line to its public number (`number`, as the line dials it). */
  'network.fallback': { call: string; site: string; extension: string; reason: 'down' | 'no-network-calls' | 'no-answer' | 'unreachable' | 'server-error'; number: string };
  /**
   * Least-cost routing, the calling side (apps/breakout.ts): an outside call to `number` (E.164) tried through `site`'s lines —
   * `carried` (that site took it), `skipped` (`reason`: down, refused, no-line, no-answer, unreachable, server-error) — then
   * `local` (a line here after all) or `refused` (no fallback: the caller hears the refusal; `site` null for both).
   */
  'network.breakout': { call: string; site: string | null; number: string; result: 'carried' | 'skipped' | 'local' | 'refused'; reason?: string };
  /** Least-cost routing, the carrying side (network/breakout-calls.ts): `site`'s call to `number` (E.164) taken out on a line here, or refused (403, `reason`). */
  'network.carried': { call: string | null; site: string; number: string; result: 'carried' | 'refused'; reason?: string };
  /** A DECT base came online, went offline, or its synchronisation changed (src/boot/dect.ts). */
  'dect.base': { rpn: number; id: string; online: boolean; synced: boolean; master: number | null; calls: number; reason?: string };
  /** A DECT handset subscribed, was refused (`reason`; the code keyed is never published), located at a base, or detached. */
  'dect.handset': { ipei: string; extension: string | null; event: 'subscribed' | 'refused' | 'located' | 'detached' | 'state'; base?: number; reason?: string; state?: string };
  /** A DECT handover attempt (src/dect/handover-controller.ts): from, to, both RSSI, why, the audio gap, success. */
  'dect.handover': { ipei: string; extension: string | null; from: number; to: number | null; from_rssi: number | null; to_rssi: number | null; reason: string; gap_ms: number | null; ok: boolean; error?: string };
  /** The subscription window was opened from the API for `seconds`. */
  'dect.subscription': { seconds: number; by: string };
}

export type EventType = keyof ExchangeEvents;

export interface ExchangeEvent<K extends EventType = EventType> {
  type: K;
  /** Epoch milliseconds from the exchange's clock. */
  at: number;
  data: ExchangeEvents[K];
}

type AnyListener = (e: ExchangeEvent) => void;

export class EventBus {
  private readonly listeners = new Set<AnyListener>();

  constructor(private readonly now: () => number, private readonly log?: Logger) {}

  emit<K extends EventType>(type: K, data: ExchangeEvents[K]): void {
    const event = { type, at: this.now(), data } as ExchangeEvent;
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        this.log?.warn({ err, type }, 'event listener failed');
      }
    }
  }

  /** Subscribe to every event; returns the unsubscribe function. */
  subscribe(listener: AnyListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Subscribe to one event type. */
  on<K extends EventType>(type: K, listener: (data: ExchangeEvents[K], e: ExchangeEvent<K>) => void): () => void {
    return this.subscribe((e) => {
      if (e.type === type) listener(e.data as ExchangeEvents[K], e as ExchangeEvent<K>);
    });
  }
}
