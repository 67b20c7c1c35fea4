/**
 * The SIP trunks layer, on the SIP layer's stack: the trunks follow `sip_trunks`, offer
 * themselves to the core as outside lines, and stand in front of the B2BUA for what the
 * providers send (trunks/trunk-set.ts decides whose a request is).
 */
import { SipTrunks } from '../trunks/trunk-set.js';
import { dnsLookups } from '../trunks/locate.js';
import type { Runtime } from './runtime.js';
import type { SipLayer } from './sip.js';

/** @param dnsServers the DNS servers for RFC 3263 lookups (`address[:port]`); default the system's. */
export function startTrunks(rt: Runtime, sip: SipLayer, dnsServers?: readonly string[]): SipTrunks {
  const trunks = new SipTrunks({
    ctx: sip.ctx, sw: rt.switch, clock: rt.clock, log: rt.log.child({ component: 'trunks' }), events: rt.events,
    config: () => rt.config.snapshot(),
    ...(dnsServers?.length ? { dns: dnsLookups(dnsServers) } : {}),
  });
  const b2bua = sip.b2bua;
  sip.ctx.stack.onRequest((req, tx) => {
    const provider = trunks.claim(req, tx);
    return provider ? provider() : b2bua.handle(req, tx);
  });
  rt.switch.addOutsideLines(trunks);
  trunks.apply(rt.config.snapshot());
  const off = rt.config.onChange((c) => trunks.apply(c));
  rt.trunkViews = () => trunks.views();
  // Unregistering is part of the shutdown's signalling (with the BYEs and CANCELs), before the stack stops.
  rt.onDrain(async (maxMs) => {
    off();
    await trunks.close(maxMs);
  });
  rt.onClose(() => {
    off();
    return trunks.close();
  });
  return trunks;
}
