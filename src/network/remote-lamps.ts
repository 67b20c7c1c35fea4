/**
 * Busy lamps of other sites' extensions, watcher side (issue #18, docs/network.md): while
 * a phone here watches (`SUBSCRIBE`, `Event: dialog`) an extension in a peer's ranges,
 * this site holds ONE RFC 4235 subscription to the owning site over the TLS connection
 * for that extension, whatever the number of local watchers (Asterisk's and 3CX's BLF
 * across boxes work the same way). It is refreshed at half its duration (SiteWatch),
 * ended (Expires: 0) when the last local watcher goes. Each NOTIFY's document becomes the
 * extension's lamp here; the local notifier renders it for each local watcher.
 *
 * The owner's lamp tokens (call-id, tags) come through: a phone here picking a ringing call
 * up by Replaces naming them gets the directed pickup of that extension at its site.
 *
 * The owning site down: no subscription, the lamp shows no dialog (as a local employee
 * whose phones are off); up again: subscribed again for every extension still watched.
 */
import type { TimerHandle } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import type { LampView, RemoteLampSource } from '../core/lamps.js';
import { DIALOG_INFO } from '../channels/sip/events/dialog-info.js';
import { parseDialogInfo, unreachableView } from '../channels/sip/events/dialog-info-parse.js';
import type { SipRequest } from '../sip/message.js';
import type { ServerTransaction } from '../sip/transaction/server.js';
import type { SiteNetwork } from './network.js';
import { SiteWatch } from './site-watch.js';

/** A subscription refused, failed or ended by the owner is tried again after this long while watched and the site up. */
const RETRY_MS = 30_000;
/** Extensions of other sites watched at once (beyond: the lamp stays dark, no subscription). */
const MAX_WATCHED = 2000;

interface Watched {
  site: string;
  watchers: number;
  view: LampView;
  watch: SiteWatch | undefined;
  retry?: TimerHandle | undefined;
}

export class RemoteLamps implements RemoteLampSource {
  private readonly watched = new Map<string, Watched>();
  private readonly off: () => void;

  constructor(
    private readonly net: SiteNetwork,
    private readonly log: Logger,
    /** A watched extension's lamp changed (LampBoard.remoteChanged). */
    private readonly changed: (extension: string) => void,
    private readonly expiresS = 600,
  ) {
    this.off = net.on((e) => {
      if (e.type === 'peer.up') this.siteUp(e.site);
      else if (e.type === 'peer.down' || e.type === 'member.removed') this.siteDown(e.site);
    });
  }

  /** Upstream subscriptions standing or being made (one per watched extension of a site that is up). */
  get subscriptions(): number {
    let n = 0;
    for (const w of this.watched.values()) if (w.watch?.active) n++;
    return n;
  }

  owns(extension: string): boolean {
    return this.net.route(extension) !== undefined;
  }

  view(extension: string): LampView {
    return this.watched.get(extension)?.view ?? unreachableView(extension);
  }

  watchedNow(): Array<{ extension: string; site: string }> {
    return [...this.watched].map(([extension, w]) => ({ extension, site: w.site }));
  }

  ringingExtension(callId: string): string | undefined {
    if (!callId) return undefined;
    for (const [ext, w] of this.watched) {
      if (w.view.dialogs.some((d) => d.callId === callId && d.direction === 'recipient' && d.state === 'early')) return ext;
    }
    return undefined;
  }

  acquire(extension: string): void {
    const w = this.watched.get(extension);
    if (w) return void w.watchers++;
    const route = this.net.route(extension);
    if (!route || this.watched.size >= MAX_WATCHED) return;
    const entry: Watched = { site: route.site, watchers: 1, view: unreachableView(extension), watch: undefined };
    this.watched.set(extension, entry);
    if (route.state === 'up') this.subscribe(extension, entry);
  }

  release(extension: string): void {
    const w = this.watched.get(extension);
    if (!w || --w.watchers > 0) return;
    this.watched.delete(extension);
    this.net.o.clock.clearTimeout(w.retry);
    w.watch?.end();
    this.log.debug({ extension, site: w.site }, 'network: last watcher gone, remote lamp unsubscribed');
  }

  /** A NOTIFY on the network stack: ours when its Call-ID is one of our lamp subscriptions. */
  handleNotify(req: SipRequest, tx: ServerTransaction, site: string): boolean {
    for (const w of this.watched.values()) if (w.site === site && w.watch?.handleNotify(req, tx)) return true;
    return false;
  }

  close(): void {
    this.off();
    for (const w of this.watched.values()) {
      this.net.o.clock.clearTimeout(w.retry);
      w.watch?.stop();
    }
    this.watched.clear();
  }

  private subscribe(extension: string, w: Watched): void {
    this.net.o.clock.clearTimeout(w.retry);
    w.retry = undefined;
    const m = this.net.store.members().find((x) => x.site === w.site);
    if (!m) return;
    w.watch?.stop();
    const net = this.net;
    w.watch = new SiteWatch({
      stack: net.stack, clock: net.o.clock, log: this.log, site: w.site,
      destination: () => net.destinationOf(m), uri: () => net.uriOf(m, extension), from: () => net.fromUri(), contact: () => net.stack.contact('tls', net.selfId(), m.address),
      expiresS: this.expiresS, event: 'dialog', accept: DIALOG_INFO,
      onRecord: (body) => {
        if (this.watched.get(extension) !== w) return;
        const view = parseDialogInfo(body, extension);
        if (!view) return void this.log.warn({ site: w.site, extension }, 'network: a dialog NOTIFY that is no dialog-info document, ignored');
        w.view = view;
        this.changed(extension);
      },
      onLost: () => {
        if (this.watched.get(extension) !== w) return;
        this.net.o.clock.clearTimeout(w.retry);
        w.retry = this.net.o.clock.setTimeout(() => {
          w.retry = undefined;
          if (this.watched.get(extension) === w && this.net.route(extension)?.state === 'up' && !w.watch?.active) this.subscribe(extension, w);
        }, RETRY_MS);
      },
    });
    w.watch.start();
  }

  private siteUp(site: string): void {
    for (const [ext, w] of this.watched) if (w.site === site && !w.watch?.active) this.subscribe(ext, w);
  }

  private siteDown(site: string): void {
    for (const [ext, w] of this.watched) {
      if (w.site !== site) continue;
      this.net.o.clock.clearTimeout(w.retry);
      w.retry = undefined;
      w.watch?.stop();
      w.watch = undefined;
      w.view = unreachableView(ext);
      this.changed(ext);
    }
  }
}
