/**
 * DectDriver: the host side of drivers/dect/PROTOCOL.md for a whole multi-cell system, one
 * serial link per base, implementing the HAL's DectSystem. It keeps what only the host can
 * know — the subscription register and its access code, where each handset is located, which
 * bearers carry each call — and carries out handovers (make before break). It does not decide
 * them: src/dect/handover-policy.ts does, from the `radio` events.
 */
import { SystemClock, type Clock } from '../../common/clock.js';
import { decode as decodeG711, encode as encodeG711 } from '../../common/g711.js';
import { silentLogger, type Logger } from '../../common/log.js';
import type { AudioFrame, CallerId, DectBase, DectBearerCause, DectHandoverResult, DectHandset, DectSystem, DectSystemEvents } from '../hal.js';
import { TypedEmitter } from '../linecard/emitter.js';
import { BaseLink, DEFAULT_TIMING, type HelloMessage } from './base-link.js';
import { AckStatus, FRAME_SAMPLES, wireIpei, type ReliableMessage, type Unnumbered } from './messages.js';
import { BaseUnavailableError } from './reliable.js';
import { SubscriptionWindow } from './subscriptions.js';

import { CAUSES, DectRefusedError, type BaseState, type Bearer, type DectDriverOptions, type HandsetState } from './driver-state.js';

export { BaseUnavailableError, DEFAULT_TIMING, DectRefusedError, type DectDriverOptions };

export class DectDriver extends TypedEmitter<DectSystemEvents> implements DectSystem {
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly links: BaseLink[];
  /** Link index → rpn, learnt from the hello. */
  private readonly rpnOfLink = new Map<number, number>();
  private readonly baseStates = new Map<number, BaseState>();
  private readonly hs = new Map<string, HandsetState>();
  private readonly window: SubscriptionWindow;
  private nextBearer = 1;
  private closed = false;
  private started = false;
  private waitingOpen: Array<() => void> = [];

  constructor(private readonly opts: DectDriverOptions) {
    super((err, ev) => this.log.error({ err, event: ev }, 'DECT listener threw'));
    this.clock = opts.clock ?? new SystemClock();
    this.log = opts.logger ?? silentLogger();
    this.window = new SubscriptionWindow(this.clock, opts.accessCode, opts.maxFailedCodes);
    for (const ipei of opts.subscribed ?? []) this.handset(wireIpei(ipei)).subscribed = true;
    const timing = { ...DEFAULT_TIMING, ...opts.timing };
    this.links = opts.paths.map((path, i) => new BaseLink(path, this.clock, this.log, timing, {
      hello: (m) => this.onHello(i, m),
      offline: (reason) => this.onOffline(i, reason),
      event: (m) => this.onEvent(i, m),
      audio: (bearer, no, samples) => this.onAudio(i, bearer, no, samples),
    }));
  }

  get bases(): readonly DectBase[] {
    return [...this.baseStates.values()].sort((a, b) => a.rpn - b.rpn).map((b) => ({ ...b, calls: this.bearersOn(b.rpn) }));
  }

  get handsets(): readonly DectHandset[] {
    return [...this.hs.values()].map((h) => ({ ipei: h.ipei, subscribed: h.subscribed, baseId: h.baseId, servingBase: h.active }));
  }

  /** Framing and link counters per base link (diagnostics, tests). */
  linkStats(): ReturnType<BaseLink['counters']>[] {
    return this.links.map((l) => l.counters());
  }

  open(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('DECT driver closed'));
    const p = new Promise<void>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => reject(new BaseUnavailableError(`DECT bases not all online within ${this.opts.openTimeoutMs ?? 5000} ms`)), this.opts.openTimeoutMs ?? 5000);
      this.waitingOpen.push(() => {
        this.clock.clearTimeout(timer);
        resolve();
      });
    });
    if (!this.started) {
      this.started = true;
      for (const l of this.links) l.start();
    }
    this.checkOpen();
    return p;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.links.map((l) => l.close()));
    this.removeAllListeners();
  }

  /** The installer changed the access code (it is never logged). */
  setAccessCode(code: string | undefined): void {
    this.window.setAccessCode(code);
  }

  /** Milliseconds the subscription window stays open (0 when closed). */
  subscriptionRemainingMs(): number {
    return this.window.remainingMs();
  }

  async openSubscription(ms: number): Promise<void> {
    this.window.open(ms);
    const seconds = Math.ceil(ms / 1000);
    await Promise.all([...this.baseStates.values()].filter((b) => b.online).map((b) => this.command(b.rpn, { type: 'subWindow', seconds })));
  }

  async page(ipei: string, caller: CallerId = {}): Promise<void> {
    const h = this.located(ipei);
    await this.command(h.baseId!, { type: 'page', ipei: h.ipei, on: true, cli: caller.number ?? '', name: caller.name ?? '' });
  }

  async stopPage(ipei: string): Promise<void> {
    const h = this.located(ipei);
    await this.command(h.baseId!, { type: 'page', ipei: h.ipei, on: false, cli: '', name: '' });
  }

  async connect(ipei: string, viaRpn?: number): Promise<number> {
    const h = this.located(ipei);
    // Another base the handset hears, when the one it is located at refuses (full, out of sync).
    const rpn = viaRpn ?? h.baseId!;
    h.uplinkLast = undefined;
    const b = await this.setupBearer(h, rpn);
    await this.command(rpn, { type: 'bearerSwitch', bearer: b.id });
    h.active = rpn;
    return rpn;
  }

  async handover(ipei: string, toRpn: number): Promise<DectHandoverResult> {
    const h = this.handset(wireIpei(ipei));
    const from = h.active;
    const old = h.bearers.find((b) => b.rpn === from);
    if (from === undefined || !old) throw new Error(`handset ${h.ipei} has no call to hand over`);
    if (from === toRpn) throw new Error(`handset ${h.ipei} is already on base ${toRpn}`);
    const started = this.clock.monotonic();
    const lostBefore = h.uplinkLost;
    // 1–2: a second bearer on the target; from now on both carry the call (make before break).
    const target = await this.setupBearer(h, toRpn);
    // 3: the handset switches at a frame boundary.
    try {
      await this.command(toRpn, { type: 'bearerSwitch', bearer: target.id });
    } catch (err) {
      await this.releaseBearer(h, target);
      throw err;
    }
    h.active = toRpn;
    // 4: break the old one.
    await this.releaseBearer(h, old);
    return { from, to: toRpn, lostFrames: h.uplinkLost - lostBefore, repeatedFrames: 0, durationMs: this.clock.monotonic() - started };
  }

  async release(ipei: string): Promise<void> {
    const h = this.handset(wireIpei(ipei));
    await Promise.all([...h.bearers].map((b) => this.releaseBearer(h, b)));
    h.active = undefined;
  }

  sendAudio(ipei: string, frame: AudioFrame): void {
    if (frame.length !== FRAME_SAMPLES) throw new RangeError(`audio frames are ${FRAME_SAMPLES} samples`);
    const h = this.hs.get(ipei);
    if (!h || h.bearers.length === 0) return;
    const samples = encodeG711('PCMA', frame);
    // The same counter on every bearer: the handset sees one stream whichever bearer it plays.
    for (const b of h.bearers) if (b.up) this.linkOf(b.rpn)?.sendAudio(b.id, h.downNo, samples);
    h.downNo = (h.downNo + 1) & 0xff;
  }

  // ---- internals ---------------------------------------------------------------------------

  private handset(ipei: string): HandsetState {
    let h = this.hs.get(ipei);
    if (!h) {
      h = { ipei, subscribed: false, baseId: undefined, bearers: [], active: undefined, uplinkLast: undefined, uplinkLost: 0, downNo: 0 };
      this.hs.set(ipei, h);
    }
    return h;
  }

  private located(ipei: string): HandsetState {
    const h = this.hs.get(wireIpei(ipei));
    if (!h?.subscribed) throw new Error(`handset ${ipei} is not subscribed`);
    if (h.baseId === undefined || !this.baseStates.get(h.baseId)?.online) throw new BaseUnavailableError(`handset ${ipei} is out of range`);
    return h;
  }

  private linkOf(rpn: number): BaseLink | undefined {
    for (const [i, r] of this.rpnOfLink) if (r === rpn) return this.links[i];
    return undefined;
  }

  private bearersOn(rpn: number): number {
    let n = 0;
    for (const h of this.hs.values()) n += h.bearers.filter((b) => b.rpn === rpn).length;
    return n;
  }

  private async command(rpn: number, m: Unnumbered): Promise<void> {
    const link = this.linkOf(rpn);
    if (!link) throw new BaseUnavailableError(`no DECT base ${rpn}`);
    const status = await link.command(m);
    if (status !== AckStatus.Ok) throw new DectRefusedError(m.type, status, rpn);
  }

  private allocBearer(): number {
    const used = new Set<number>();
    for (const h of this.hs.values()) for (const b of h.bearers) used.add(b.id);
    for (let i = 0; i < 255; i++) {
      const id = this.nextBearer;
      this.nextBearer = (this.nextBearer % 255) + 1;
      if (!used.has(id)) return id;
    }
    throw new Error('no free DECT bearer id');
  }

  private async setupBearer(h: HandsetState, rpn: number): Promise<Bearer> {
    const b: Bearer = { id: this.allocBearer(), rpn, up: false };
    h.bearers.push(b);
    const up = new Promise<void>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => reject(new BaseUnavailableError(`bearer on base ${rpn} did not come up`)), this.opts.bearerTimeoutMs ?? 1000);
      b.waiting = { resolve: () => { this.clock.clearTimeout(timer); resolve(); }, reject: (e) => { this.clock.clearTimeout(timer); reject(e); } };
    });
    up.catch(() => {});
    try {
      await this.command(rpn, { type: 'bearerSetup', ipei: h.ipei, bearer: b.id });
      await up;
      return b;
    } catch (err) {
      h.bearers = h.bearers.filter((x) => x !== b);
      throw err;
    }
  }

  private async releaseBearer(h: HandsetState, b: Bearer): Promise<void> {
    h.bearers = h.bearers.filter((x) => x !== b);
    if (h.active === b.rpn && !h.bearers.some((x) => x.rpn === b.rpn)) h.active = h.bearers[0]?.rpn;
    await this.command(b.rpn, { type: 'bearerRelease', bearer: b.id }).catch((err: Error) => this.log.debug({ err }, 'bearer release not acknowledged'));
  }

  private bearerGone(h: HandsetState, b: Bearer, cause: DectBearerCause): void {
    h.bearers = h.bearers.filter((x) => x !== b);
    b.waiting?.reject(new BaseUnavailableError(`bearer on base ${b.rpn} lost: ${cause}`));
    if (h.active === b.rpn) h.active = h.bearers.find((x) => x.up)?.rpn;
    this.emit('bearerLost', h.ipei, b.rpn, cause);
    if (h.bearers.length === 0) this.emit('callLost', h.ipei);
  }

  private checkOpen(): void {
    if (this.links.length > 0 && this.links.every((l) => l.online)) for (const w of this.waitingOpen.splice(0)) w();
  }

  private onHello(link: number, m: HelloMessage): void {
    const prev = this.baseStates.get(m.rpn);
    this.rpnOfLink.set(link, m.rpn);
    const base: BaseState = { rpn: m.rpn, online: true, synced: prev?.synced ?? false, masterRpn: prev?.masterRpn, maxCalls: m.maxCalls, radioChannels: m.radioChannels, maxHandsets: m.maxHandsets, firmware: m.firmware, calls: 0, bootId: m.bootId };
    this.baseStates.set(m.rpn, base);
    this.log.info({ rpn: m.rpn, firmware: m.firmware, rebooted: prev?.bootId !== undefined && prev.bootId !== m.bootId }, 'DECT base online');
    // A base forgets the subscription window when it loses us (PROTOCOL.md §1): re-apply it.
    const left = this.window.remainingMs();
    if (left > 0) void this.command(m.rpn, { type: 'subWindow', seconds: Math.ceil(left / 1000) }).catch(() => {});
    if (!prev?.online) this.emit('baseOnline', { ...base });
    this.checkOpen();
  }

  private onOffline(link: number, reason: string): void {
    const rpn = this.rpnOfLink.get(link);
    const base = rpn === undefined ? undefined : this.baseStates.get(rpn);
    if (!base) return;
    base.online = false;
    // The base dropped its bearers when it lost us (fail safe): so do we.
    for (const h of this.hs.values()) {
      for (const b of h.bearers.filter((x) => x.rpn === base.rpn)) this.bearerGone(h, b, 'baseOffline');
      if (h.baseId === base.rpn) h.baseId = undefined;
    }
    this.emit('baseOffline', base.rpn, reason);
  }

  private onEvent(link: number, m: ReliableMessage): number {
    const rpn = this.rpnOfLink.get(link)!;
    switch (m.type) {
      case 'subRequest': this.onSubRequest(rpn, m.ipei, m.accessCode); return AckStatus.Ok;
      case 'locateRequest': {
        // A stranger's handset (another system's, not subscribed) gets LOCATE-REJECT and no entry.
        const h = this.hs.get(m.ipei);
        void this.command(rpn, { type: 'locateResult', ipei: m.ipei, accepted: !!h?.subscribed }).catch(() => {});
        if (h?.subscribed && h.baseId !== rpn) {
          h.baseId = rpn;
          this.emit('located', h.ipei, rpn);
        }
        return AckStatus.Ok;
      }
      case 'detach': {
        const h = this.hs.get(m.ipei);
        if (h) h.baseId = undefined;
        this.emit('detached', m.ipei);
        return AckStatus.Ok;
      }
      case 'radioReport':
        if (!this.hs.get(m.ipei)?.subscribed) return AckStatus.UnknownHandset;
        this.emit('radio', m.ipei, m.entries.map((e) => (e.quality === 255 ? { rpn: e.rpn, rssi: e.rssi } : { ...e })));
        return AckStatus.Ok;
      case 'bearerMeasure':
        return AckStatus.Ok; // the base's view of the uplink: for the survey; the policy uses the handset's
      case 'bearerState': {
        for (const h of this.hs.values()) {
          const b = h.bearers.find((x) => x.rpn === rpn && x.id === m.bearer);
          if (!b) continue;
          if (m.up) {
            b.up = true;
            b.waiting?.resolve();
            b.waiting = undefined;
          } else this.bearerGone(h, b, CAUSES[m.cause] ?? 'radioLost');
          return AckStatus.Ok;
        }
        return AckStatus.NoSuchBearer;
      }
      case 'offHook': case 'onHook':
        if (!this.hs.get(m.ipei)?.subscribed) return AckStatus.UnknownHandset;
        this.emit(m.type, m.ipei);
        return AckStatus.Ok;
      case 'digits':
        if (!this.hs.get(m.ipei)?.subscribed) return AckStatus.UnknownHandset;
        this.emit('digits', m.ipei, m.digits);
        return AckStatus.Ok;
      case 'syncStatus': {
        const base = this.baseStates.get(rpn);
        if (!base) return AckStatus.IllegalState;
        base.synced = m.synced;
        base.masterRpn = m.masterRpn === 0xff ? undefined : m.masterRpn;
        this.emit('syncChanged', { ...base, calls: this.bearersOn(rpn) });
        return AckStatus.Ok;
      }
      default:
        return AckStatus.Malformed; // a host command sent to us
    }
  }

  private onSubRequest(rpn: number, ipei: string, code: string): void {
    const refused = this.window.check(ipei, code);
    void this.command(rpn, { type: 'subResult', ipei, accepted: !refused }).catch(() => {});
    if (refused) {
      this.log.warn({ ipei, reason: refused }, 'DECT subscription refused'); // never the code itself
      this.emit('subscriptionRefused', ipei, refused);
      return;
    }
    const h = this.handset(ipei);
    h.subscribed = true;
    this.emit('subscribed', { ipei, subscribed: true, baseId: h.baseId, servingBase: h.active });
  }

  private onAudio(link: number, bearer: number, no: number, samples: Uint8Array): void {
    const rpn = this.rpnOfLink.get(link);
    for (const h of this.hs.values()) {
      if (!h.bearers.some((b) => b.rpn === rpn && b.id === bearer)) continue;
      // Make before break: the same frame arrives on two bearers. Keep the first copy.
      if (h.uplinkLast !== undefined) {
        const d = (no - h.uplinkLast) & 0xff;
        if (d === 0 || d >= 128) return;
        h.uplinkLost += d - 1;
      }
      h.uplinkLast = no;
      this.emit('audio', h.ipei, decodeG711('PCMA', samples));
      return;
    }
  }
}
