/**
 * The exchange's SIP trunks: built from `sip_trunks`, rebuilt when a trunk's settings
 * change (calls in progress go on: their legs do not need the trunk), offered to the core
 * as outside lines by name, and the front door for what providers send: an INVITE or
 * OPTIONS outside any dialog from a provider's address is the trunk's; anything else goes
 * on to the B2BUA, which challenges it like a phone's request — a stranger who knows a DID
 * gets a 401, never the office.
 */
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import type { Channel, Party } from '../channels/channel.js';
import type { SipContext } from '../channels/sip/context.js';
import type { RequestAuthenticator } from '../channels/sip/peer-check.js';
import type { Config } from '../config/schema.js';
import type { EventBus } from '../core/events.js';
import type { Switch } from '../core/switch.js';
import type { OutsideLineProvider } from '../outgoing/line-assignment.js';
import type { OutsideLine } from '../outgoing/trunk-groups.js';
import { createResponse, newTag } from '../sip/builders.js';
import { SipError } from '../sip/errors.js';
import { dialogIdOfRequest } from '../sip/dialog.js';
import type { SipRequest } from '../sip/message.js';
import type { ServerTransaction } from '../sip/transaction/server.js';
import { acceptTrunkInvite } from './inbound.js';
import { SipTrunkLine, type TrunkView } from './trunk.js';
import type { DnsLookups } from './locate.js';

/** In-dialog requests of a trunk's calls come from the provider's address or not at all. */
const PROVIDER_ONLY: RequestAuthenticator = {
  authenticate(req, tx) {
    tx.respond(createResponse(req, 403, 'Forbidden', newTag()));
    return undefined;
  },
};

export interface TrunkSetDeps {
  ctx: SipContext;
  sw: Switch;
  clock: Clock;
  log: Logger;
  events?: EventBus;
  config: () => Readonly<Config> | null;
  random?: () => number;
  /** DNS for the trunks' RFC 3263 lookups (trunks/locate.ts); default the system's. */
  dns?: DnsLookups;
}

export class SipTrunks implements OutsideLineProvider {
  private readonly trunks = new Map<string, { line: SipTrunkLine; json: string; shown: string }>();

  constructor(private readonly d: TrunkSetDeps) {}

  /** Follow the configuration: new trunks start, removed ones stop, changed ones restart. */
  apply(config: Readonly<Config> | null): void {
    const wanted = new Map((config?.sip_trunks ?? []).map((t) => [t.name, t]));
    for (const [name, t] of this.trunks) {
      const next = wanted.get(name);
      if (next && JSON.stringify(next) === t.json) continue;
      void t.line.stop(2000);
      this.trunks.delete(name);
      if (!next) this.d.log.info({ trunk: name }, 'trunk removed');
    }
    for (const [name, settings] of wanted) {
      if (this.trunks.has(name)) continue;
      const line = new SipTrunkLine(
        { ctx: this.d.ctx, clock: this.d.clock, log: this.d.log, config: this.d.config, auth: PROVIDER_ONLY, onChange: (l) => this.changed(l), ...(this.d.random ? { random: this.d.random } : {}), ...(this.d.dns ? { dns: this.d.dns } : {}) },
        settings,
      );
      this.trunks.set(name, { line, json: JSON.stringify(settings), shown: '' });
      line.start();
    }
  }

  lines(): OutsideLine[] {
    return [...this.trunks.values()].map((t) => t.line);
  }

  /** Trunks are hunted by name through trunk groups only. */
  seize(_number: string, _caller: Party): Channel | undefined {
    return undefined;
  }

  views(): TrunkView[] {
    return [...this.trunks.values()].map((t) => t.line.view());
  }

  /**
   * The stack's request handler asks here first: the handler for a provider's request
   * (throwing a SipError answers with its status, as the B2BUA's do), or undefined to let
   * the B2BUA have it.
   */
  claim(req: SipRequest, tx: ServerTransaction): (() => void | Promise<void>) | undefined {
    if (this.trunks.size === 0 || (req.method !== 'INVITE' && req.method !== 'OPTIONS') || dialogIdOfRequest(req)) return undefined;
    const { address, port } = tx.info.source;
    const trunk = [...this.trunks.values()].find((t) => t.line.fromProvider(address, port))?.line;
    if (!trunk) return undefined;
    if (req.method === 'OPTIONS') {
      return () => {
        const res = createResponse(req, 200, 'OK', newTag());
        res.headers.append('Allow', 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE');
        res.headers.append('Accept', 'application/sdp');
        tx.respond(res);
      };
    }
    const deps = { ctx: this.d.ctx, sw: this.d.sw, log: this.d.log, config: this.d.config, auth: PROVIDER_ONLY };
    return () => {
      // max_calls counts calls in too: the account (and the board) carry no more than that.
      // 486 as a busy city line would give; the provider may send the caller elsewhere.
      if (!trunk.acceptsIncoming) {
        this.d.log.warn({ trunk: trunk.name, calls: trunk.view().calls, max_calls: trunk.settings.max_calls, call: req.callId }, 'trunk: incoming call refused, the trunk carries max_calls already');
        throw new SipError(486, 'Busy Here');
      }
      return acceptTrunkInvite(deps, trunk.settings, req, tx, (leg) => trunk.track(leg));
    };
  }

  /** Stop every trunk; the registered ones unregister, each waiting for its provider at most `maxMs`. */
  async close(maxMs = 0): Promise<void> {
    const stopping = [...this.trunks.values()].map((t) => t.line.stop(maxMs));
    this.trunks.clear();
    await Promise.all(stopping);
  }

  /** A trunk's state changed: an event when what it shows changed (not for every refresh). */
  private changed(line: SipTrunkLine): void {
    const entry = this.trunks.get(line.name);
    if (!entry || entry.line !== line) return;
    const v = line.view();
    const shown = JSON.stringify([v.state, v.reason, v.options?.result === 'ok' || typeof v.options?.result === 'number']);
    if (shown === entry.shown) return;
    entry.shown = shown;
    this.d.events?.emit('trunk.state', {
      trunk: v.name, kind: v.kind, state: v.state, reason: v.reason,
      failures: v.registration?.failures ?? 0, next_attempt_at: v.registration?.next_attempt_at ?? null,
      options: v.options ? { at: v.options.at, result: String(v.options.result) } : null,
    });
  }
}
