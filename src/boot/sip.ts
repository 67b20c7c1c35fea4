/**
 * The SIP layer of the exchange: the stack on UDP and TCP at the configured address, the
 * registrar and the B2BUA, registered with the core as the leg factory for SIP devices.
 * Follows configuration changes: removed employees lose their registrations, changed
 * secrets apply to the next request; calls in progress go on.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { SipStack } from '../sip/stack.js';
import { socketAddress } from '../sip/transport/types.js';
import { SipDirectory } from '../channels/sip/directory.js';
import { SipAuthenticator } from '../channels/sip/authenticator.js';
import { LocationService } from '../channels/sip/location.js';
import { Registrar } from '../channels/sip/registrar.js';
import { B2bua } from '../channels/sip/b2bua.js';
import type { SipContext } from '../channels/sip/context.js';
import { MediaWorkerPool } from '../media/worker/pool.js';
import { SystemClock } from '../../common/clock.js';
import type { Runtime } from './runtime.js';
import type { Switch } from '../core/switch.js';
import type { EventBus } from '../core/events.js';
import { startMessageWaiting } from '../channels/sip/message-waiting.js';
import { SipNotifier } from '../channels/sip/events/notifier.js';
import { dialogPackage, messageSummaryPackage, presencePackage } from '../channels/sip/events/packages.js';
import { featureCode } from '../config/feature-codes.js';
import { FrontProxy } from '../channels/sip/front-proxy.js';
import { Draining } from '../channels/sip/draining.js';

export interface SipLayer {
  /** The bound UDP/TCP port (resolved when 0 was asked). */
  port: number;
  location: LocationService;
  /** What the trunks (boot/trunks.ts) build on: the legs' context and the B2BUA they stand in front of. */
  ctx: SipContext;
  b2bua: B2bua;
  /** Whether new SIP dialogs are taken (PUT /api/system/draining). */
  draining: Draining;
}

export async function startSip(rt: Runtime): Promise<SipLayer> {
  const log = rt.log.child({ component: 'sip' });
  const sipPort = rt.sipPort === 0 ? await freeUdpTcpPort(rt.bind) : rt.sipPort;
  const advertise = rt.advertise ?? rt.board.network.advertise;
  const stack = new SipStack({
    clock: rt.clock,
    logger: log,
    transports: (['udp', 'tcp'] as const).map((protocol) => ({ protocol, host: rt.bind, port: sipPort, ...(advertise ? { advertise: { host: advertise } } : {}) })),
  });
  await stack.start();
  const directory = new SipDirectory(rt.config.snapshot());
  const location = new LocationService(rt.clock);
  // RTP of SIP legs in media worker threads, so relaying never delays signalling
  // (docs/PERFORMANCE.md, Media). The two legs of a call share a worker (the outbound leg
  // opens next to the caller's: Channel.call's peer) and relay inside it; calls spread
  // over the workers once one carries `legs_per_worker` legs. The board sets how many (default
  // at most one per core) and their priority.
  // An exchange on an injected (fake) clock keeps RTP on this thread, where its timers
  // follow that clock.
  const media = rt.board.media;
  const mediaPool = rt.clock instanceof SystemClock
    ? new MediaWorkerPool({
        ...(media.workers ? { size: media.workers } : {}),
        spreadAt: media.legs_per_worker,
        idleStopMs: media.worker_idle_stop_s * 1000,
        clock: rt.clock,
        nice: media.nice,
        onPriority: (r) => (r.ok ? log.info({ nice: r.nice, tid: r.tid }, 'media worker priority set') : log.warn({ reason: r.reason }, 'media worker runs at normal priority')),
      })
    : undefined;
  mediaPool?.onCrash((err, legs) => log.error({ err, legs }, 'media worker died; its calls were ended'));
  // RTP binds where SIP does (0.0.0.0: every interface); SDP gives each phone the address
  // it reaches us on, as Via and Contact do.
  const mediaAddress = (towards: string | undefined): string => socketAddress(stack.transport.advertised('udp', towards).address);
  const ctx: SipContext = { stack, clock: rt.clock, log, rtpHost: rt.bind, mediaAddress, rtpPorts: media.rtp_ports, rtpTimeoutMs: media.rtp_timeout_s * 1000, dialogs: new Map(), ...(mediaPool ? { mediaPool } : {}) };
  const frontProxy = rt.frontProxy ? new FrontProxy(rt.frontProxy.address, rt.frontProxy.port) : undefined;
  if (frontProxy) log.info({ proxy: `${frontProxy.address}:${frontProxy.port}` }, 'sip: behind a front proxy (trusted by address, its calls carry the caller it authenticated)');
  const draining = new Draining(rt.clock, log);
  const b2bua = wireSip(ctx, rt.switch, directory, location, rt.events, frontProxy, draining);
  const notifier = b2bua.notifier!;
  if (rt.mailboxes) notifier.addPackage(messageSummaryPackage(rt.events, rt.mailboxes, () => featureCode(rt.config.snapshot(), 'voicemail')));
  const offMwi = rt.mailboxes
    ? startMessageWaiting({ stack, location, events: rt.events, boxes: rt.mailboxes, log, subscribed: (b) => notifier.subscribedFrom('message-summary', b.extension, b.source) })
    : undefined;
  rt.stats.sip = () => ({
    ...stack.stats(),
    dialogs: ctx.dialogs.size,
    ...notifier.stats(),
    rtpLegs: mediaPool ? mediaPool.load().reduce((a, b) => a + b, 0) : 0,
    mediaWorkers: mediaPool ? mediaPool.load().length : 0,
  });

  const offConfig = rt.config.onChange((config) => {
    directory.update(config);
    const keep = new Set(directory.sipExtensions());
    for (const ext of location.registered()) if (!keep.has(ext)) location.drop(ext);
    notifier.retain(new Set(config.employees.map((e) => e.extension)));
  });
  rt.onDrain((maxMs) => stack.drain(maxMs)); // the BYEs and CANCELs of a shutdown
  rt.onClose(async () => {
    offConfig();
    offMwi?.();
    notifier.close();
    location.close();
    await stack.stop();
    await mediaPool?.close();
  });
  const port = stack.transport.advertised('udp').port;
  log.info({ address: rt.bind, port, ...(advertise ? { advertise } : {}) }, 'sip: listening on UDP and TCP');
  return { port, location, ctx, b2bua, draining };
}

/**
 * The SIP front door on a started stack: authenticator, registrar and B2BUA answering the
 * stack's requests, the B2BUA registered with the core as the SIP leg factory. Tests that
 * assemble a SIP layer around their own pool or clock use this too, so they run the
 * exchange's wiring, not a copy of it.
 */
export function wireSip(ctx: SipContext, sw: Switch, directory: SipDirectory, location: LocationService, events?: EventBus, frontProxy?: FrontProxy, draining?: Draining): B2bua {
  const auth = new SipAuthenticator(directory, ctx.clock, ctx.log, events && ((l) => events.emit('security.lockout', l)), frontProxy);
  const registrar = new Registrar(auth, location, ctx.clock, ctx.log);
  const b2bua = new B2bua(ctx, sw, directory, auth, registrar, location, ctx.log, frontProxy, draining);
  // SUBSCRIBE/NOTIFY (RFC 6665): busy lamps and presence from the core's lamp board, which
  // also learns when a phone registers or goes (its presence opens or closes).
  const notifier = new SipNotifier(ctx, auth, directory, ctx.log);
  notifier.addPackage(dialogPackage(sw.lamps));
  notifier.addPackage(presencePackage(sw.lamps));
  b2bua.notifier = notifier;
  location.onChange((c) => {
    if (c.kind !== 'refreshed') sw.lamps.touch(c.binding.extension);
  });
  ctx.stack.onRequest((req, tx) => b2bua.handle(req, tx));
  ctx.stack.onAck((ack) => b2bua.handleAck(ack));
  ctx.stack.onAckTimeout((res) => b2bua.handleAckTimeout(res));
  sw.addLegFactory(b2bua);
  return b2bua;
}

/** A port free for both UDP and TCP (port 0 asked: tests, several exchanges on one host). */
async function freeUdpTcpPort(host: string): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const udp = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const port = await new Promise<number>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(0, host, () => resolve(udp.address().port));
    });
    const tcpFree = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, host, () => srv.close(() => resolve(true)));
    });
    await new Promise<void>((resolve) => udp.close(() => resolve()));
    if (tcpFree) return port;
  }
  throw new Error(`no port free for both UDP and TCP on ${host}`);
}
