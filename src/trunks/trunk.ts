/**
 * One SIP trunk at run time: its registration (registration.ts) or static peer, its
 * OPTIONS keepalive (keepalive.ts), the outside calls it carries and who may send it calls.
 * To trunk groups it is a line like a city line (the OutsideLine capability): free while
 * it can place a call — registered (or a peer the keepalive still hears) and below the
 * account's simultaneous calls less the channels kept for calls in. A call in beyond the
 * account's simultaneous calls is refused (trunk-set.ts: 486).
 */
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import type { Channel, Party } from '../channels/channel.js';
import type { SipContext } from '../channels/sip/context.js';
import type { RequestAuthenticator } from '../channels/sip/peer-check.js';
import { TrunkOutboundChannel } from '../channels/sip/trunk-outbound-channel.js';
import type { Config, SipTrunk } from '../config/schema.js';
import type { OutsideLine } from '../outgoing/trunk-groups.js';
import type { Destination } from '../sip/transport/layer.js';
import { Keepalive, type KeepaliveResult } from './keepalive.js';
import { hasPort, parseHostPort, resolveHost, type HostPort } from './hop.js';
import { dnsLookups, locate, type DnsLookups } from './locate.js';
import { outboundProxyRoute, trunkCallSpec, trunkDomain } from './outbound.js';
import { RegistrationClient, type RegistrationView } from './registration.js';

/** What GET /api/lines and the `trunk.state` event show of a trunk. */
export interface TrunkView {
  name: string;
  kind: 'registration' | 'peer';
  /** registration: idle, registering, registered, refreshing, failed, unreachable; peer: reachable, unreachable, unknown. */
  state: string;
  /** Why it is not in service: the provider's status and reason, or no answer. */
  reason: string | null;
  /** The registrar or peer (`host:port`), and the outbound proxy when there is one. */
  provider: string;
  outbound_proxy: string | null;
  registration: RegistrationView | null;
  /** The last OPTIONS keepalive: when, and its result (`ok`, a status, `timeout`). */
  options: KeepaliveResult | null;
  calls: number;
  max_calls: number;
  /** Channels of max_calls kept for calls in (calls out stop this many short). */
  reserved_for_incoming: number;
}

export interface TrunkDeps {
  ctx: SipContext;
  clock: Clock;
  log: Logger;
  config: () => Readonly<Config> | null;
  /** Refuses in-dialog requests that do not come from the provider. */
  auth: RequestAuthenticator;
  onChange: (t: SipTrunkLine) => void;
  random?: () => number;
  /** DNS for RFC 3263 lookups (locate.ts); default the system's. */
  dns?: DnsLookups;
}

export class SipTrunkLine implements OutsideLine {
  readonly name: string;
  private readonly provider: HostPort;
  private readonly proxy: HostPort | undefined;
  private readonly registration: RegistrationClient | undefined;
  private readonly keepalive: Keepalive | undefined;
  private readonly calls = new Set<Channel>();
  /** The next hop, resolved (the proxy, else the registrar or peer). */
  private hop: Destination | undefined;
  /** Every destination of the next hop, in the order RFC 3263 says to try them (failover goes down it). */
  private targets: Destination[] = [];
  private readonly dns: DnsLookups;
  /** `address:port` of the provider's hops, and bare addresses of `allow_from`. */
  private readonly trusted = new Set<string>();
  private stopped = false;

  constructor(
    private readonly d: TrunkDeps,
    readonly settings: SipTrunk,
  ) {
    this.name = settings.name;
    this.dns = d.dns ?? dnsLookups();
    this.provider = parseHostPort(settings.registration?.registrar ?? settings.peer!.host);
    this.proxy = settings.outbound_proxy ? parseHostPort(settings.outbound_proxy) : undefined;
    const log = d.log.child({ trunk: settings.name });
    const domain = trunkDomain(settings);
    const route = outboundProxyRoute(this.proxy);
    const reg = settings.registration;
    if (reg) {
      this.registration = new RegistrationClient({
        stack: d.ctx.stack, clock: d.clock, log,
        account: { username: reg.username, ...(reg.auth_username ? { authUsername: reg.auth_username } : {}), password: reg.password, domain, expiresS: reg.expires_s },
        retry: { minMs: reg.retry.min_s * 1000, maxMs: reg.retry.max_s * 1000 },
        hop: () => this.resolveHop(),
        nextHop: (failed) => this.nextHop(failed),
        ...(route ? { route } : {}),
        ...(d.random ? { random: d.random } : {}),
        onChange: () => d.onChange(this),
      });
    }
    if (settings.options_interval_s > 0) {
      this.keepalive = new Keepalive({
        stack: d.ctx.stack, clock: d.clock, intervalMs: settings.options_interval_s * 1000,
        user: reg?.username ?? 'autocom', domain,
        hop: () => this.resolveHop(),
        ...(route ? { route } : {}),
        onResult: (r, reachable) => this.keepaliveResult(r, reachable),
      });
    }
  }

  start(): void {
    this.registration?.start();
    this.keepalive?.start();
    if (!this.registration) void this.resolveHop().catch((err: unknown) => this.d.log.warn({ trunk: this.name, err: (err as Error).message }, 'trunk: cannot resolve the peer'));
  }

  /** Stop; a registered trunk unregisters, waiting for the provider at most `maxMs`. */
  stop(maxMs = 0): Promise<void> {
    this.stopped = true;
    this.keepalive?.stop();
    return this.registration?.stop(maxMs) ?? Promise.resolve();
  }

  /**
   * How many calls (in and out together) may be up when a call out is placed: `max_calls`
   * less the channels kept for calls in (`reserved_for_incoming`), so that many always stay
   * free for customers calling in.
   */
  get outgoingLimit(): number {
    const r = this.settings.reserved_for_incoming;
    return r === true ? 0 : this.settings.max_calls - (typeof r === 'number' ? r : 0);
  }

  /** Whether a call in may be taken now: below the account's simultaneous calls (`max_calls` counts both ways). */
  get acceptsIncoming(): boolean {
    return !this.stopped && this.calls.size < this.settings.max_calls;
  }

  /** Whether it can take an outgoing call now. */
  get free(): boolean {
    if (this.stopped || !this.hop || this.calls.size >= this.outgoingLimit) return false;
    if (this.registration) return this.registration.state === 'registered' || this.registration.state === 'refreshing';
    const last = this.keepalive?.last;
    return !last || (last.result !== 'timeout' && last.result !== 'error');
  }

  /** An outbound leg to the provider for `number`, presenting `caller` (withheld when asked and allowed). */
  seize(number: string, caller: Party, opts: { withhold: boolean }): Channel | undefined {
    if (!this.free || !this.hop) return undefined;
    if (opts.withhold && !this.settings.privacy) this.d.log.warn({ trunk: this.name }, 'caller ID cannot be withheld on this trunk (privacy: false): it shows the trunk\'s number');
    const spec = trunkCallSpec(this.settings, this.d.config(), { number, caller, withhold: opts.withhold }, this.hop, this.proxy);
    const leg = new TrunkOutboundChannel(this.d.ctx, spec, number, this.d.auth, (failed) => this.nextHop(failed));
    this.track(leg);
    return leg;
  }

  /** An inbound leg of this trunk (counted against max_calls, as outgoing ones are). */
  track(leg: Channel): void {
    this.calls.add(leg);
    leg.once('hangup', () => this.calls.delete(leg));
  }

  /** Whether a request from `address:port` is the provider's (its hops, or `allow_from`). */
  fromProvider(address: string, port: number): boolean {
    return this.trusted.has(`${address}:${port}`) || this.trusted.has(address);
  }

  view(): TrunkView {
    const reg = this.registration?.view() ?? null;
    const last = this.keepalive?.last ?? null;
    const peerState = !last ? 'unknown' : last.result === 'timeout' || last.result === 'error' ? 'unreachable' : 'reachable';
    return {
      name: this.name,
      kind: this.registration ? 'registration' : 'peer',
      state: reg ? reg.state : peerState,
      reason: reg ? reg.reason : peerState === 'unreachable' ? 'no answer to OPTIONS' : null,
      provider: `${this.provider.host}:${this.provider.port}`,
      outbound_proxy: this.proxy ? `${this.proxy.host}:${this.proxy.port}` : null,
      registration: reg,
      options: last,
      calls: this.calls.size,
      max_calls: this.settings.max_calls,
      reserved_for_incoming: this.settings.max_calls - this.outgoingLimit,
    };
  }

  private keepaliveResult(r: KeepaliveResult, reachable: boolean): void {
    if (reachable) this.registration?.providerBack();
    else this.registration?.providerLost(`no answer to OPTIONS (${r.result})`);
    this.d.onChange(this);
  }

  /**
   * The destination after `failed` in the RFC 3263 list (§4.3: on a transport error or a
   * 503), which calls out then use too; undefined at the end of the list.
   */
  private nextHop(failed: Destination): Destination | undefined {
    const i = this.targets.findIndex((t) => t.protocol === failed.protocol && t.address === failed.address && t.port === failed.port);
    const next = i >= 0 ? this.targets[i + 1] : undefined;
    if (next) {
      this.d.log.warn({ trunk: this.name, failed: `${failed.address}:${failed.port}`, next: `${next.address}:${next.port}` }, 'trunk: provider server failed, trying the next one (RFC 3263)');
      this.hop = next;
    }
    return next;
  }

  /** RFC 3263 destinations of a configured `host[:port]`, in order. */
  private locate(raw: string, hp: HostPort): Promise<Destination[]> {
    return locate(hp, { transport: this.settings.transport, explicitPort: hasPort(raw), supported: ['udp', 'tcp'], dns: this.dns, ...(this.d.random ? { random: this.d.random } : {}) });
  }

  /**
   * Resolve the next hop — the outbound proxy when there is one, else the registrar or peer —
   * and the provider's trusted addresses (each attempt: a name may move; each starts at the
   * top of the RFC 3263 list). Behind a proxy the registrar's name need not resolve here
   * (only the proxy sees it). Every server the provider's records name may send calls in.
   */
  private async resolveHop(): Promise<Destination> {
    const providerRaw = this.settings.registration?.registrar ?? this.settings.peer!.host;
    const targets = this.proxy ? await this.locate(this.settings.outbound_proxy!, this.proxy) : await this.locate(providerRaw, this.provider);
    const other = this.proxy ? await this.locate(providerRaw, this.provider).catch(() => []) : [];
    const allow = await Promise.all((this.settings.allow_from ?? []).map((a) => resolveHost(a)));
    this.trusted.clear();
    for (const r of [...targets, ...other]) this.trusted.add(`${r.address}:${r.port}`);
    for (const a of allow) this.trusted.add(a);
    this.targets = targets;
    this.hop = targets[0]!;
    return this.hop;
  }
}
