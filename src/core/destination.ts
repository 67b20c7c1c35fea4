/**
 * What a dialled number means: the destinations the dial plan (dialplan.ts) resolves digits
 * to, each handled by its application (apps/registry.ts), and what the dial plan asks of the
 * network about other sites' numbers. Types only, apart from the dial plan's rules.
 */
import type { Channel, Party } from '../channels/channel.js';
import type { DoorConfig } from '../config/door-schema.js';
import type { DoorOpener } from '../doors/door-opener.js';
import type { ConferenceRoom, Config, Department, Employee, Menu, NumberRoute, Queue } from '../config/schema.js';
import type { PagingGroup } from '../config/paging.js';
import type { OfficeModeName } from '../config/incoming-schema.js';
import type { AGENT_CODES, FeatureId } from '../config/feature-codes.js';

export type Destination =
  | { kind: 'employee'; employee: Employee }
  | { kind: 'department'; department: Department }
  /** A public number, as the city line must dial it (the prefix removed, normalised); `withheld` after `#31#`. */
  | { kind: 'outside'; number: string; emergency: boolean; international: boolean; withheld?: true; network?: RemoteFallback }
  /**
   * `*8`: answer the oldest call ringing in the caller's pickup group; `*8` + extension: the call ringing that extension.
   * `site`: the extension is another site's, picked up there over the network (apps/site-pickup.ts; no `leg` while that site is down).
   */
  | { kind: 'pickup'; extension?: string; site?: { site: string; leg?: (caller: Party, via?: Channel) => SiteLeg } }
  /**
   * The park code (the next free slot) or one slot: a free slot parks the caller, a taken one
   * retrieves its call. `parker` (set by Switch.park, never by the dial plan) is rung after the timeout.
   */
  | { kind: 'park'; slot?: string; parker?: string }
  /** A feature code of config/feature-codes.ts (forwarding, do-not-disturb, call waiting), with the number dialled after it. */
  | { kind: 'feature'; feature: FeatureId; argument?: string }
  /** A page group's number: the caller talks, the members' phones and loudspeaker play it (apps/page.ts). */
  | { kind: 'page'; group: PagingGroup }
  /** One of the site's own numbers (a city line's, a DID): its route for the office mode (apps/number.ts). */
  | { kind: 'number'; entry: NumberRoute }
  /** `*55` + mode digit (`*PIN` for non-admins): force the office mode; `schedule` lets the schedule decide again. */
  | { kind: 'office-mode'; mode: OfficeModeName | 'schedule'; pin?: string }
  /**
   * A meet-me room (`room`), or `*3` — the caller's own ad-hoc conference, which a phone
   * joins by dialling it and transfers its other calls into (src/apps/conference.ts).
   */
  | { kind: 'conference'; room?: ConferenceRoom }
  /** A voice menu's extension (apps/menu.ts). */
  | { kind: 'menu'; menu: Menu }
  /** `*97`: the caller's own mailbox (`any`: `*98`, the box number then its PIN): apps/voicemail-menu.ts. */
  | { kind: 'mailbox'; any: boolean }
  /** A mailbox's own extension: leave a message in `box` without ringing anyone (apps/voicemail.ts). */
  | { kind: 'leave-message'; box: string }
  /** A call queue's extension (apps/queue.ts); `skills`: what the route that led here says the call needs. */
  | { kind: 'queue'; queue: Queue; skills?: Record<string, number> }
  /** `*45`…`*48` (+ a queue's or a department's extension): an agent logs in, out, pauses, unpauses (apps/agent-code.ts). */
  | { kind: 'agent'; feature: (typeof AGENT_CODES)[number]; target?: string }
  /** A door station's call (its button): the door's phones ring, the answerer may open (apps/door.ts). Set by the switch, never dialled. */
  | { kind: 'door'; door: DoorConfig; opener: DoorOpener }
  /** A prefix of something valid: keep collecting digits. */
  | { kind: 'incomplete' }
  /** Can never be a number; `reason` says why when it is worth telling (letters in it…). */
  | { kind: 'invalid'; reason?: string }
  /** A call a SIP trunk brought in on a DID no `numbers` entry routes (never dialled: the trunk says so): apps/unrouted-did.ts. */
  | { kind: 'unrouted-did'; did: string }
  /** An extension of another PBX, in a tie line's `ranges`: over that trunk as dialled (trunks/ranges.ts, apps/tie-line.ts). */
  | { kind: 'tie-line'; trunk: string; number: string }
  /**
   * Another site's short number while that site is up: a call over the network connection
   * (network/site-calls.ts, apps/site-call.ts), else `fallback`, its public number on a local line.
   */
  | { kind: 'site'; site: string; extension: string; leg: (caller: Party, via?: Channel) => SiteLeg; fallback?: { number: string; international: boolean } }
  /** A peer site's outside call to `number` (as our line dials it) carried out on our lines by its least-cost routing (network/breakout-calls.ts, apps/carried-call.ts). Never dialled. */
  | { kind: 'carried'; site: string; number: string; e164: string; international: boolean; withheld: boolean };

/** A leg to another site, telling how it failed (the fallback decision: apps/site-call.ts). */
export interface SiteLeg extends Channel {
  /** Whether the site answered anything yet (even 100 Trying). */
  readonly heard: boolean;
  /** Its final status when refused, or no answer / no connection. */
  readonly outcome: { status: number } | 'timeout' | 'unreachable' | undefined;
}

/** The numbers other sites of the network own, as the dial plan asks about them. */
export interface RemoteNumbers {
  /** The site owning `digits` and its public number for it (absent without a template). */
  owner(digits: string): { site: string; fallback?: string; reason: RemoteFallback['reason']; call?: (caller: Party, via?: Channel) => SiteLeg; pickup?: (caller: Party, via?: Channel) => SiteLeg } | undefined;
  /** Whether some other site's number starts with `digits` (an analog phone should wait for more). */
  startsWith(digits: string): boolean;
  /** A leg out through `site`'s lines to `e164` (least-cost routing: apps/breakout.ts); undefined while that site is down or no member. */
  breakout?(site: string, e164: string, caller: Party, identity: BreakoutIdentity, via?: Channel): SiteLeg | undefined;
}

/** Who a call broken out through another site is from, beyond the caller's short number: their public number (E.164), withheld or not. */
export interface BreakoutIdentity {
  number: string | undefined;
  withheld: boolean;
}

/**
 * Why a call to another site's short number goes out on a local line to that site's public
 * number: the site is down, or calls between sites do not exist yet (docs/network.md).
 */
export interface RemoteFallback {
  site: string;
  extension: string;
  reason: 'down' | 'no-network-calls' | 'no-answer' | 'unreachable' | 'server-error';
}
