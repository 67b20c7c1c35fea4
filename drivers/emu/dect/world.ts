/**
 * The emulated radio world: bases at positions on a floor plan and handsets moving on it.
 * Every 100 ms handsets move (walking paths), measure every base (radio.ts), lock to the
 * strongest, report; every 20 ms handsets in a call send an uplink audio frame on each of
 * their bearers (same counter on all: make-before-break) and count what they hear.
 */
import { encode as encodeG711, decode as decodeG711 } from '../../../common/g711.js';
import { AckStatus, BearerCause, FRAME_SAMPLES, type ReliableMessage } from '../../dect/messages.js';
import { type EmulatedBase, type Radio } from './base.js';
import { linkQuality, RadioPath, seededRandom, type RadioParams, DEFAULT_RADIO } from './radio.js';

export interface Heard { frames: number; lost: number; repeated: number; lastNo: number | undefined; levelDbfs: number; hz: number }

export interface Handset {
  ipei: string;
  x: number;
  y: number;
  path: Array<[number, number]>;
  speedMps: number;
  subscribed: boolean;
  subscribing: boolean;
  locatedRpn: number | undefined;
  locating: number | undefined;
  hook: 'on' | 'off';
  ringing: { cli: string; name: string } | undefined;
  /** Up bearers: host bearer id → rpn. */
  bearers: Map<number, number>;
  active: { rpn: number; bearer: number } | undefined;
  paths: Map<number, RadioPath>;
  rssi: Map<number, number>;
  heard: Heard;
  uplinkNo: number;
  /** Uplink frames sent (each once, whatever the bearers), and those of them carrying the tone. */
  uplinkSent: number;
  uplinkToneSent: number;
  uplinkHz: number;
  phase: number;
  lastReport: number;
}

const newHeard = (): Heard => ({ frames: 0, lost: 0, repeated: 0, lastNo: undefined, levelDbfs: -120, hz: 0 });

export class World implements Radio {
  readonly bases: EmulatedBase[] = [];
  readonly handsets = new Map<string, Handset>();
  private readonly rand: () => number;
  private timers: Array<ReturnType<typeof setInterval>> = [];
  private now = 0;

  constructor(seed: number, private readonly radio: RadioParams = DEFAULT_RADIO) {
    this.rand = seededRandom(seed);
  }

  start(): void {
    this.timers.push(setInterval(() => this.radioTick(100), 100), setInterval(() => this.audioTick(), 20));
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
  }

  addHandset(ipei: string, x: number, y: number, subscribed: boolean): Handset {
    const h: Handset = {
      ipei, x, y, path: [], speedMps: 1.4, subscribed, subscribing: false, locatedRpn: undefined, locating: undefined, hook: 'on', ringing: undefined,
      bearers: new Map(), active: undefined, paths: new Map(), rssi: new Map(), heard: newHeard(), uplinkNo: 0, uplinkSent: 0, uplinkToneSent: 0, uplinkHz: 0, phase: 0, lastReport: 0,
    };
    for (const b of this.bases) h.paths.set(b.rpn, new RadioPath(this.rand, this.radio));
    this.handsets.set(ipei, h);
    return h;
  }

  handset(ipei: string): Handset {
    const h = this.handsets.get(ipei.replace(/\s+/g, '').toUpperCase());
    if (!h) throw new Error(`no handset ${ipei}`);
    return h;
  }

  base(rpn: number): EmulatedBase {
    const b = this.bases.find((x) => x.rpn === rpn);
    if (!b) throw new Error(`no base ${rpn}`);
    return b;
  }

  /** Bases on air: powered and with their backhaul (a base cut from the host stops its beacon). */
  private onAir(b: EmulatedBase): boolean {
    return b.powered && b.plugged;
  }

  /** The base a handset talks to for signalling: its active bearer's, else where it is located. */
  private serving(h: Handset): EmulatedBase | undefined {
    const rpn = h.active?.rpn ?? h.locatedRpn;
    return rpn === undefined ? undefined : this.bases.find((b) => b.rpn === rpn && this.onAir(b) && h.rssi.has(rpn));
  }

  subscribe(h: Handset, accessCode: string): void {
    const open = this.bases.filter((b) => this.onAir(b) && h.rssi.has(b.rpn) && b.subWindowUntil > performance.now());
    const best = open.sort((a, b) => h.rssi.get(b.rpn)! - h.rssi.get(a.rpn)!)[0];
    if (!best) throw new Error('no base in range with its subscription window open');
    h.subscribing = true;
    best.event({ type: 'subRequest', ipei: h.ipei, accessCode });
  }

  hook(h: Handset, state: 'on' | 'off'): void {
    h.hook = state;
    if (state === 'off') h.ringing = undefined;
    const s = this.serving(h);
    if (!s) throw new Error('handset out of range');
    s.event({ type: state === 'off' ? 'offHook' : 'onHook', ipei: h.ipei });
  }

  dial(h: Handset, digits: string): void {
    const s = this.serving(h);
    if (!s) throw new Error('handset out of range');
    s.event({ type: 'digits', ipei: h.ipei, digits });
  }

  // ---- Radio (called by the bases) ------------------------------------------------------

  command(base: EmulatedBase, m: ReliableMessage): number {
    switch (m.type) {
      case 'subWindow':
        base.subWindowUntil = m.seconds === 0 ? 0 : performance.now() + m.seconds * 1000;
        return AckStatus.Ok;
      case 'subResult': {
        const h = this.handsets.get(m.ipei);
        if (!h?.subscribing) return AckStatus.UnknownHandset;
        h.subscribing = false;
        h.subscribed = m.accepted;
        h.locatedRpn = undefined; // a new subscription locates afresh
        return AckStatus.Ok;
      }
      case 'locateResult': {
        const h = this.handsets.get(m.ipei);
        if (!h) return AckStatus.UnknownHandset;
        if (h.locating === base.rpn) h.locating = undefined;
        if (m.accepted) h.locatedRpn = base.rpn;
        else if (h.locatedRpn === base.rpn) h.locatedRpn = undefined;
        return AckStatus.Ok;
      }
      case 'page': {
        const h = this.handsets.get(m.ipei);
        if (!h || !h.rssi.has(base.rpn) || !h.subscribed) return AckStatus.UnknownHandset;
        h.ringing = m.on ? { cli: m.cli, name: m.name } : undefined;
        return AckStatus.Ok;
      }
      case 'bearerSetup': {
        const h = this.handsets.get(m.ipei);
        if (base.bearers.has(m.bearer)) return AckStatus.BearerInUse;
        if (!base.synced) return AckStatus.NotSynchronised;
        if (base.bearers.size >= base.maxCalls) return AckStatus.AtCapacity;
        if (!h || !h.subscribed || !h.rssi.has(base.rpn)) return AckStatus.UnknownHandset;
        base.bearers.set(m.bearer, h.ipei);
        h.bearers.set(m.bearer, base.rpn);
        if (!h.active) h.active = { rpn: base.rpn, bearer: m.bearer };
        setTimeout(() => base.event({ type: 'bearerState', bearer: m.bearer, up: true, cause: 0 }), 5);
        return AckStatus.Ok;
      }
      case 'bearerSwitch': {
        const h = this.handsets.get(base.bearers.get(m.bearer) ?? '');
        if (!h) return AckStatus.NoSuchBearer;
        h.active = { rpn: base.rpn, bearer: m.bearer };
        return AckStatus.Ok;
      }
      case 'bearerRelease': {
        const ipei = base.bearers.get(m.bearer);
        if (ipei === undefined) return AckStatus.NoSuchBearer;
        this.dropBearer(base, m.bearer);
        return AckStatus.Ok;
      }
      default:
        return AckStatus.Malformed; // an event type sent to a base
    }
  }

  hostGone(base: EmulatedBase): void {
    base.subWindowUntil = 0;
    for (const b of [...base.bearers.keys()]) this.dropBearer(base, b);
  }

  hostBack(base: EmulatedBase): void {
    for (const h of this.handsets.values()) if (h.subscribed && h.locatedRpn === base.rpn) base.event({ type: 'locateRequest', ipei: h.ipei });
  }

  audioFromHost(base: EmulatedBase, bearer: number, frameNo: number, samples: Uint8Array): void {
    const h = this.handsets.get(base.bearers.get(bearer) ?? '');
    if (!h || h.active?.bearer !== bearer || h.active.rpn !== base.rpn) return; // the handset plays its active bearer only
    const heard = h.heard;
    if (heard.lastNo !== undefined) {
      const d = (frameNo - heard.lastNo) & 0xff;
      if (d === 0) heard.repeated++;
      else if (d < 128) heard.lost += d - 1;
      else heard.repeated++; // an older frame after a newer one
    }
    heard.lastNo = frameNo;
    heard.frames++;
    const pcm = decodeG711('PCMA', samples);
    let sum = 0;
    let crossings = 0;
    for (let i = 0; i < pcm.length; i++) {
      sum += pcm[i]! * pcm[i]!;
      if (i > 0 && (pcm[i - 1]! < 0) !== (pcm[i]! < 0)) crossings++;
    }
    const rms = Math.sqrt(sum / pcm.length);
    heard.levelDbfs = rms > 0 ? 20 * Math.log10(rms / 32768) : -120;
    heard.hz = rms > 30 ? Math.round((crossings / 2) / 0.02) : 0;
  }

  private dropBearer(base: EmulatedBase, bearer: number): void {
    const h = this.handsets.get(base.bearers.get(bearer) ?? '');
    base.bearers.delete(bearer);
    if (!h) return;
    h.bearers.delete(bearer);
    if (h.active?.bearer === bearer && h.active.rpn === base.rpn) {
      const other = [...h.bearers][0];
      h.active = other ? { bearer: other[0], rpn: other[1] } : undefined;
    }
  }

  // ---- time ------------------------------------------------------------------------------

  private radioTick(dtMs: number): void {
    this.now += dtMs;
    for (const h of this.handsets.values()) {
      this.walk(h, dtMs / 1000);
      h.rssi.clear();
      for (const b of this.bases) {
        if (!this.onAir(b)) continue;
        const v = h.paths.get(b.rpn)!.sample(h, b);
        if (v !== undefined) h.rssi.set(b.rpn, v);
      }
      // Bearers to bases the handset no longer hears are lost (out of range, base gone).
      for (const [bearer, rpn] of [...h.bearers]) {
        if (h.rssi.has(rpn)) continue;
        const b = this.base(rpn);
        this.dropBearer(b, bearer);
        b.event({ type: 'bearerState', bearer, up: false, cause: BearerCause.RadioLost });
      }
      if (h.subscribed) this.locate(h);
      this.report(h);
    }
  }

  private walk(h: Handset, dt: number): void {
    let step = h.speedMps * dt;
    while (step > 0 && h.path.length > 0) {
      const [tx, ty] = h.path[0]!;
      const d = Math.hypot(tx - h.x, ty - h.y);
      if (d <= step) {
        h.x = tx;
        h.y = ty;
        h.path.shift();
        step -= d;
      } else {
        h.x += ((tx - h.x) * step) / d;
        h.y += ((ty - h.y) * step) / d;
        step = 0;
      }
    }
  }

  /** Idle handsets lock to the strongest base (6 dB better than their current one). */
  private locate(h: Handset): void {
    if (h.bearers.size > 0 || h.locating !== undefined) return;
    const best = [...h.rssi].sort((a, b) => b[1] - a[1])[0];
    if (!best) {
      h.locatedRpn = undefined;
      return;
    }
    const current = h.locatedRpn === undefined ? undefined : h.rssi.get(h.locatedRpn);
    if (current !== undefined && best[1] < current + 6) return;
    if (best[0] === h.locatedRpn) return;
    h.locating = best[0];
    this.base(best[0]).event({ type: 'locateRequest', ipei: h.ipei });
    setTimeout(() => { if (h.locating === best[0]) h.locating = undefined; }, 1500); // no answer: try again later
  }

  private report(h: Handset): void {
    const s = this.serving(h);
    if (!s || !h.subscribed) return;
    const every = h.bearers.size > 0 ? 100 : 500;
    if (this.now - h.lastReport < every) return;
    h.lastReport = this.now;
    const onBearer = new Set(h.bearers.values());
    s.event({ type: 'radioReport', ipei: h.ipei, entries: [...h.rssi].map(([rpn, rssi]) => ({ rpn, rssi, quality: onBearer.has(rpn) ? linkQuality(rssi) : 255 })) });
    for (const [bearer, rpn] of h.bearers) {
      const rssi = h.rssi.get(rpn)!;
      this.base(rpn).event({ type: 'bearerMeasure', bearer, rssi, quality: linkQuality(rssi) });
    }
  }

  private audioTick(): void {
    for (const h of this.handsets.values()) {
      if (h.bearers.size === 0) continue;
      const pcm = new Int16Array(FRAME_SAMPLES);
      if (h.uplinkHz > 0) {
        for (let i = 0; i < FRAME_SAMPLES; i++) {
          pcm[i] = Math.round(8000 * Math.sin(h.phase));
          h.phase += (2 * Math.PI * h.uplinkHz) / 8000;
        }
      }
      const samples = encodeG711('PCMA', pcm);
      const no = h.uplinkNo;
      h.uplinkNo = (h.uplinkNo + 1) & 0xff;
      h.uplinkSent++;
      if (h.uplinkHz > 0) h.uplinkToneSent++;
      for (const [bearer, rpn] of h.bearers) this.base(rpn).send({ type: 'audio', seq: no, bearer, samples });
    }
  }

  resetHeard(h: Handset): void {
    h.heard = newHeard();
  }
}
