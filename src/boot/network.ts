/**
 * The network layer of the exchange (issue #18, docs/network.md): this site as a peer of
 * other sites over SIP/TLS. It runs while the configuration names the site (`site.id`);
 * the TLS port is `--tls-port` / `AUTOCOM_TLS_PORT` (5061). The key and certificate are
 * made in `<data>/network` on the first start with an id. A configuration change is
 * announced to the peers (`x-autocom-site`) when this site's part of it changed; a site
 * id given later starts the layer then.
 */
import { join } from 'node:path';
import type { Runtime } from './runtime.js';
import type { Channel, Party } from '../channels/channel.js';
import type { Config } from '../config/schema.js';
import { SiteNetwork, type SelfDescription } from '../network/network.js';
import { toRange } from '../network/ranges.js';
import { networkRoutes } from '../api/routes/network.js';
import { SiteCalls } from '../network/site-calls.js';
import type { SipContext } from '../channels/sip/context.js';
import { socketAddress } from '../sip/transport/types.js';
import { extensionsOf } from '../core/lamps.js';
import { RemoteLamps } from '../network/remote-lamps.js';
import { SiteLampNotifier } from '../network/site-lamp-notifier.js';
import { isInsideParty } from '../apps/trunk-to-trunk.js';
import { BreakoutCalls } from '../network/breakout-calls.js';
import { breakoutView } from '../network/breakout-rules.js';
import type { BreakoutIdentity } from '../core/dialplan.js';

export interface NetworkLayer {
  /** The running network, or undefined while the configuration names no site id. */
  current(): SiteNetwork | undefined;
  /** Busy lamps across sites while the network runs: the upstream subscriptions here, the peers' ones served here. */
  lamps(): { remote: RemoteLamps; owner: SiteLampNotifier } | undefined;
}

/** This site as its configuration describes it; undefined without `site.id`. */
export function selfFromConfig(c: Readonly<Config> | null): SelfDescription | undefined {
  const site = c?.site;
  if (!site?.id) return undefined;
  return {
    id: site.id,
    ranges: (site.ranges ?? []).map(toRange),
    ...(site.public_template ? { public_template: site.public_template } : {}),
    names: c!.employees.map((e) => ({ ext: e.extension, name: e.name })).filter((n) => /^[1-9][0-9]{0,7}$/.test(n.ext)),
  };
}

/** `phones`: the phones' SIP context, whose RTP workers and ports calls between sites share (without it a peer's number always falls back). */
export async function startNetwork(rt: Runtime, dataFolder: string, tlsPort: number, phones?: SipContext): Promise<NetworkLayer> {
  const log = rt.log.child({ component: 'network' });
  let net: SiteNetwork | undefined;
  let lamps: { remote: RemoteLamps; owner: SiteLampNotifier } | undefined;
  let starting: Promise<void> | undefined;
  const self = (): SelfDescription | undefined => selfFromConfig(rt.config.snapshot());
  const start = async (): Promise<void> => {
    const n = new SiteNetwork({
      clock: rt.clock, log, dir: join(dataFolder, 'network'), host: rt.bind, port: tlsPort, self,
      ...(rt.advertise ?? rt.board.network.advertise ? { advertise: (rt.advertise ?? rt.board.network.advertise)! } : {}),
    });
    n.on((e) => {
      switch (e.type) {
        case 'peer.up':
        case 'peer.down':
          return rt.events.emit('network.peer', { site: e.site, state: e.type === 'peer.up' ? 'up' : 'down' });
        case 'routes.changed':
          return rt.events.emit('network.routes', { site: e.site, serial: e.serial });
        case 'member.added':
          return rt.events.emit('network.member', { site: e.site, change: 'added' });
        case 'member.removed':
          return rt.events.emit('network.member', { site: e.site, change: 'removed', ...(e.by ? { by: e.by } : {}) });
        case 'peer.refused':
          return rt.events.emit('network.refused', { address: e.address, fingerprint: e.fingerprint });
      }
    });
    await n.start();
    net = n;
    // Calls between sites over the TLS connection (network/site-calls.ts); a site down: its public number on a local line.
    const calls = phones
      ? new SiteCalls({
          net: n, phones, sw: rt.switch, log, config: () => rt.config.snapshot(),
          isInside: (ch) => isInsideParty(rt.config.snapshot(), ch), // what the peer is told about our caller
          mediaAddress: (towards) => socketAddress(n.stack.transport.advertised('tls', towards).address),
        })
      : undefined;
    n.calls = calls;
    // Least-cost routing both ways: our outside calls through a peer's lines, a peer's through ours (network/breakout-calls.ts).
    const breakout = calls ? new BreakoutCalls({ net: n, calls, log, events: rt.events, config: () => rt.config.snapshot() }) : undefined;
    if (calls) calls.breakout = breakout;
    // Busy lamps across sites: one RFC 4235 subscription per watched extension to its site; the peers' ones here.
    const board = rt.switch.lamps;
    const owner = new SiteLampNotifier({
      stack: n.stack, clock: rt.clock, log, lamps: board,
      isEmployee: (ext) => extensionsOf(rt.config.snapshot()).has(ext),
      contact: (towards) => n.stack.contact('tls', n.selfId(), towards),
    });
    const remote = new RemoteLamps(n, log, (ext) => board.remoteChanged(ext));
    n.on((e) => {
      if (e.type === 'peer.down' || e.type === 'member.removed') owner.dropSite(e.site);
    });
    n.lamps = {
      subscribe: (req, tx, site) => owner.handleSubscribe(req, tx, site),
      notify: (req, tx, site) => remote.handleNotify(req, tx, site),
    };
    board.remote = remote;
    lamps = { remote, owner };
    rt.switch.remote = {
      owner: (digits) => {
        const r = n.route(digits);
        if (!r) return undefined;
        const call = calls && r.state === 'up' ? (caller: Party, via?: Channel) => calls.leg(r, digits, caller, via) : undefined;
        const pickup = calls && r.state === 'up' ? (caller: Party, via?: Channel) => calls.leg(r, digits, caller, via, { pickup: true }) : undefined;
        return { site: r.site, ...(r.fallback ? { fallback: r.fallback } : {}), reason: r.state === 'down' ? 'down' : 'no-network-calls', ...(call ? { call } : {}), ...(pickup ? { pickup } : {}) };
      },
      startsWith: (digits) => n.startsWith(digits),
      ...(breakout ? { breakout: (site: string, e164: string, caller: Party, identity: BreakoutIdentity, via?: Channel) => breakout.leg(site, e164, caller, identity, via) } : {}),
    };
    log.info({ port: n.port, site: self()?.id, fingerprint: n.identity.fingerprint }, 'network: listening on TLS');
    if ((rt.bind === '0.0.0.0' || rt.bind === '::') && !(rt.advertise ?? rt.board.network.advertise)) {
      // Invitations carry this site's address; bound to every interface it has no single one to give.
      log.warn({ bind: rt.bind }, 'network: set --advertise to the address other sites reach this one at, or invitations name a loopback address');
    }
  };
  if (self()) await start();
  const offConfig = rt.config.onChange(() => {
    const me = self();
    if (net) {
      if (me && me.id !== net.selfId()) log.warn({ was: net.selfId(), now: me.id }, 'network: the site id changed; restart the exchange to use it');
      net.selfChanged();
    } else if (me && !starting) {
      starting = start().catch((err: unknown) => log.error({ err }, 'network: cannot start')).finally(() => (starting = undefined));
    }
  });
  rt.routes.push((app) => networkRoutes(app, () => net, () => breakoutView(rt.config.snapshot(), (site) => net?.view().peers.find((p) => p.site === site)?.state ?? 'unknown')));
  rt.stats.network = () => ({ peers: net?.view().peers.length ?? 0, up: net?.view().peers.filter((p) => p.state === 'up').length ?? 0 });
  rt.onDrain(async (maxMs) => net?.stack.drain(maxMs)); // the BYEs and CANCELs of calls to other sites at shutdown
  rt.onClose(async () => {
    offConfig();
    await starting;
    rt.switch.remote = undefined;
    if (lamps) {
      rt.switch.lamps.remote = undefined;
      lamps.remote.close();
      lamps.owner.close();
    }
    await net?.stop();
  });
  return { current: () => net, lamps: () => lamps };
}
