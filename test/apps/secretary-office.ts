/**
 * The office the secretary console's exchange tests run: a running exchange on loopback
 * (real SIP, RTP and SQLite; the real clock unless the test passes a FakeClock) where
 * director Semyon Petrov (200) has the secretary Marina Vorobyova (210), a registered SIP
 * test phone per extension (call-harness.ts; 201 is the example's Galina Ivanovna) and the
 * console's API logged in as 210. Each test file builds one, with `start`/`stop` as its
 * before/after hooks, so what the tests share is written once and a file says only what is
 * its own (the executive's settings, extra people, how the phones answer).
 */
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import type { Clock } from '../../common/clock.js';
import { silentLogger, createLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import type { ExchangeEvent } from '../../src/core/events.js';
import { Dialog, sdp, type SipRequest, type SipResponse } from '../../src/sip/index.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/net.js';
import { ApiClient } from '../helpers/http.js';
import { example } from '../config/example.js';
import { creds, defaultAnswer, harnessPhone, offerFor, register, unregister, type HarnessPhone } from '../channels/sip/call-harness.js';

export interface SecretaryOfficeOptions {
  /** The board's name: which test's exchange this is, in its logs. */
  name: string;
  /** The director's `executives` entry beyond its extension (200) and assistant (210). */
  executive?: Record<string, unknown>;
  /** Extensions with a registered test phone (default 200, 201 and 210). */
  phones?: string[];
  /** Anything else the test's configuration needs, changed before the exchange starts. */
  configure?: (cfg: any) => void;
  clock?: Clock;
}

/** 201's call to the director as the secretary's phone answered it. */
export interface CallerCall {
  /** 201's dialog with the exchange (BYE on it hangs the caller up). */
  callerDialog: Dialog;
}

export class SecretaryOffice {
  ex!: Exchange;
  /** The test's folder: board, configuration and the data folder (`${dir}/data`). */
  dir = '';
  /** The console's API, logged in as the secretary 210. */
  api!: ApiClient;
  /** Every event the exchange published, in order. */
  readonly events: ExchangeEvent[] = [];
  readonly phones: Record<string, HarnessPhone> = {};

  constructor(private readonly opts: SecretaryOfficeOptions) {}

  readonly start = async (): Promise<void> => {
    const dir = (this.dir = tempDir());
    writeFileSync(`${dir}/board.yaml`, `name: ${this.opts.name}\nsimulator: true\nmedia:\n  rtp_timeout_s: 0\nlinecards: []\n`);
    const cfg = example();
    const sip = (ext: string) => [{ type: 'sip', secret: `s3cret-${ext}` }];
    cfg.employees.push(
      { name: 'Semyon Petrov', extension: '200', password: 'change-me-200', devices: sip('200') },
      { name: 'Marina Vorobyova', extension: '210', password: 'change-me-210', devices: sip('210') },
    );
    cfg.executives = [{ extension: '200', assistants: ['210'], ...this.opts.executive }];
    this.opts.configure?.(cfg);
    writeFileSync(`${dir}/office.yaml`, stringify(cfg));
    this.ex = await startExchange({
      board: `${dir}/board.yaml`, data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
      logLevel: 'silent', ...(this.opts.clock ? { clock: this.opts.clock } : {}), logger: process.env.DBG ? createLogger('info') : silentLogger(),
    });
    this.ex.events.subscribe((e) => this.events.push(e));
    for (const ext of this.opts.phones ?? ['200', '201', '210']) {
      this.phones[ext] = await harnessPhone(this.ex, ext);
      await register(this.phones[ext]!, ext);
    }
    this.api = new ApiClient(`http://127.0.0.1:${this.ex.http.port}`);
    assert.is(await this.api.login('210', 'change-me-210'), 200);
  };

  readonly stop = async (): Promise<void> => {
    for (const [ext, p] of Object.entries(this.phones)) await unregister(p, ext);
    await this.ex.close();
    for (const p of Object.values(this.phones)) await Promise.all([p.sip.stop(), p.rtp.close()]);
  };

  /** Where the test phones reach the exchange. */
  readonly exchangeAt = () => ({ protocol: 'udp' as const, address: '127.0.0.1', port: this.ex.sip.port });
  /** The new calls (INVITE without a To tag) the exchange sent `ext`'s phone. */
  readonly invites = (ext: string): SipRequest[] => this.phones[ext]!.received.filter((q) => q.method === 'INVITE' && !q.to.tag);
  readonly byes = (ext: string): SipRequest[] => this.phones[ext]!.received.filter((q) => q.method === 'BYE');

  /** The director's entry in `/api/executives` as the console sees it (its desk's calls, who waits). */
  async director<T = { calls: Array<{ call: string; state: string }>; waiting: Array<{ call: string }> }>(): Promise<T> {
    return ((await this.api.get('/api/executives')).body as { executives: T[] }).executives[0]!;
  }

  /**
   * 210's phone answers every new call (else as `answer` says), and keeps each call it
   * answered; the returned list grows with them (the first is the director's call).
   */
  secretaryAnswers(answer?: (req: SipRequest) => SipResponse | undefined): Array<{ req: SipRequest; res: SipResponse }> {
    const p210 = this.phones['210']!;
    const answered: Array<{ req: SipRequest; res: SipResponse }> = [];
    p210.respond = (req) => {
      const own = answer?.(req);
      if (own) return own;
      const res = defaultAnswer(p210, '210', req);
      if (req.method === 'INVITE' && !req.to.tag) answered.push({ req, res });
      return res;
    };
    return answered;
  }

  /** 201 calls the director and the secretary's phone answers (as its `respond` says): 201's dialog, its RTP sent to the exchange. */
  async callDirector(): Promise<CallerCall> {
    const p201 = this.phones['201']!;
    const r = await p201.sip.sendAuthenticated({ method: 'INVITE', target: '200', from: '201', body: offerFor(p201.rtp.localPort) }, creds('201'));
    assert.is(r.final.status, 200, 'the secretary answers the director\'s call');
    const callerDialog = Dialog.asUac(r.request, r.final);
    p201.sip.stack.sendAck(callerDialog.createAck(r.request.cseq.seq), this.exchangeAt());
    const media = sdp.audioStream(sdp.parseSdp(r.final.body))!;
    p201.rtp.setRemote({ address: media.address, port: media.port, codec: 'PCMU' });
    return { callerDialog };
  }

  /** The call the console's desk lists as the secretary talking with its caller, once it does: its id. */
  async talkingCall(): Promise<string> {
    let call = '';
    await waitFor(async () => {
      call = (await this.director()).calls.find((c) => c.state === 'talking')?.call ?? '';
      return call !== '';
    }, 5000, 'the console lists the secretary\'s call');
    return call;
  }

  /** Every call over and every leg released. */
  async idle(): Promise<void> {
    await waitFor(() => this.ex.switch.activeCalls().length === 0, 10_000, 'the call to end');
    await waitFor(() => this.ex.switch.channels.size === 0, 5000, 'every leg released');
  }
}
