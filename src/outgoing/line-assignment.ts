/**
 * The exchange's ways out, as the switching core uses them: every provider of outside
 * lines (the analog line cards today, SIP trunks later) and the hunt state of the trunk
 * groups. An outside call gets the first free line of the first group its caller may use
 * (trunk-groups.ts), never a line reserved for incoming calls.
 */
import type { Channel, Party } from '../channels/channel.js';
import type { Config } from '../config/schema.js';
import { outboundCallerId, presentedCaller } from './caller-id.js';
import { groupsOf, LineHunter, type OutsideLine } from './trunk-groups.js';

/** Reaches the public network: city lines (FXO) now, SIP trunks later. */
export interface OutsideLineProvider {
  /**
   * Capability: the provider's lines by their configured names, so trunk groups can hunt
   * them. A provider without it is asked with `seize` alone (whatever line it picks).
   */
  lines?(): Iterable<OutsideLine>;
  /** An outbound leg on a free line that will dial `number`, or undefined when every line is busy. */
  seize(number: string, caller: Party): Channel | undefined;
}

export interface OutsideCallRequest {
  /** The employee whose groups and caller ID apply (the caller, or a transferor). */
  owner: string;
  /** `#31#`: withhold caller ID where the line can. */
  withhold: boolean;
  /** Take this line (by name) and no other: a tie line to another PBX (trunks/ranges.ts); the caller shown as they are. */
  line?: string;
  /** The caller shown as they are, not with the group's or line's caller ID (a peer's carried call, `caller_id: caller`). */
  presentCaller?: boolean;
}

export class OutgoingLines {
  private readonly providers: OutsideLineProvider[] = [];
  private readonly hunter = new LineHunter();

  add(provider: OutsideLineProvider): void {
    this.providers.push(provider);
  }

  /** Every line the providers offer, by name. */
  lines(): Map<string, OutsideLine> {
    const named = new Map<string, OutsideLine>();
    for (const p of this.providers) for (const l of p.lines?.() ?? []) named.set(l.name, l);
    return named;
  }

  /** A leg on the line `req.owner` should take for `number`, or undefined when none of theirs is free. */
  seize(config: Readonly<Config> | null, number: string, caller: Party, req: OutsideCallRequest): Channel | undefined {
    // Providers without the capability (a unit test's fake) pick their own line.
    if (!config || !this.providers.some((p) => p.lines)) {
      for (const p of this.providers) {
        const leg = p.seize(number, caller);
        if (leg) return leg;
      }
      return undefined;
    }
    if (req.line !== undefined) return this.lines().get(req.line)?.seize(number, caller, { withhold: false });
    for (const a of this.hunter.candidates(config, groupsOf(config, req.owner), this.lines())) {
      const cid = req.presentCaller ? { number: undefined, withheld: req.withhold } : outboundCallerId(config, req.owner, a.group, a.line.name, req.withhold);
      const leg = a.line.seize(number, presentedCaller(cid, caller), { withhold: cid.withheld });
      if (leg) {
        this.hunter.used(a);
        return leg;
      }
    }
    return undefined;
  }
}
