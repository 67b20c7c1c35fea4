/**
 * The whole exchange on the sim board for the DECT tests (issue 16): startExchange with
 * board/sim.yaml — the real DECT driver talking to the emulator process over one pty per
 * base, the line-card emulator for the analog phone — and a small office whose 301 and 302
 * are the board's emulated handsets, 304 a handset that has yet to subscribe. The handsets
 * are driven through the HTTP simulator API, as the web UI's panel does.
 */
import { writeFileSync } from 'node:fs';
import * as assert from 'uvu/assert';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import { ApiClient } from '../helpers/http.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor, waitUntil } from '../helpers/net.js';

export const ACCESS_CODE = '492107';
export const H301 = '0077A1000301';
export const H302 = '0077A1000302';
export const H304 = '0077A1000304';
/** Frames (20 ms each) a handset must hear after a question before its tone counts as fresh. */
const FRESH_FRAMES = 5;

const OFFICE = `
site: { name: DECT office, country: fr }
employees:
  - { name: Galina Ivanovna, extension: "201", role: admin, password: "change-me-201", devices: [{ type: sip, secret: "s3cret-201" }] }
  - { name: Semyon Petrovich, extension: "202", password: "change-me-202", devices: [{ type: sip, secret: "s3cret-202" }] }
  - { name: Reception, extension: "101", devices: [{ type: fxs, port: 1 }] }
  - { name: Warehouse One, extension: "301", devices: [{ type: dect, ipei: "0077A 1000301" }] }
  - { name: Warehouse Two, extension: "302", devices: [{ type: dect, ipei: "0077A 1000302" }] }
  - { name: Newcomer, extension: "304", devices: [{ type: dect, ipei: "0077A 1000304" }] }
dect:
  access_code: "${ACCESS_CODE}"
`;

export interface HandsetView {
  x: number; subscribed: boolean; located: number | null; hook: string; ringing: boolean; caller: { cli: string; name: string } | null;
  bearers: Array<{ bearer: number; rpn: number }>; active: { rpn: number; bearer: number } | null;
  sent: { frames: number; tone_frames: number; hz: number };
  heard: { frames: number; lost: number; repeated: number; level_dbfs: number; hz: number };
}
export interface DectView {
  subscription: { open_s: number };
  bases: Array<{ rpn: number; online: boolean; synced: boolean; calls: number; capacity: number | null }>;
  handsets: Array<{ ipei: string; extension: string | null; located: number | null; serving: number | null; state: string; rssi: Record<string, number> }>;
  handovers: Array<{ ipei: string; from: number; to: number | null; reason: string; gap_ms: number | null; ok: boolean }>;
  coverage: { step_m: number; cells: Array<{ x: number; y: number; best: number | null; rssi: number | null }> };
}

export interface DectExchange {
  ex: Exchange;
  admin: ApiClient;
  handset(ipei: string): Promise<HandsetView>;
  dect(): Promise<DectView>;
  act(ipei: string, action: string, body: unknown): Promise<void>;
  /**
   * The handset hears a tone of `hz` (± `within`) now: judged on frames that arrived after
   * the question (`heard.hz` is the last frame's, and stays when the audio stops).
   */
  hears(ipei: string, hz: number, what: string, o?: { within?: number; ms?: number }): Promise<HandsetView>;
  /** Every handset idle (on-hook, no bearer) and no call left in the exchange. */
  idle(ipei: string): Promise<void>;
}

/** What a test adds to the office: `more` is YAML appended at the top level (an `executives:` block, say). */
export interface DectOfficeOptions {
  more?: string;
}

export async function startDectExchange(o: DectOfficeOptions = {}): Promise<DectExchange> {
  const dir = tempDir();
  writeFileSync(`${dir}/office.yaml`, OFFICE + (o.more ?? ''));
  const ex = await startExchange({
    board: 'board/sim.yaml', data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0, logLevel: 'silent', logger: silentLogger(),
  });
  const admin = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  assert.is(await admin.login('201', 'change-me-201'), 200);
  const d: DectExchange = {
    ex,
    admin,
    handset: async (ipei) => (await admin.get(`/api/sim/dect/handsets/${ipei}`)).body as HandsetView,
    dect: async () => (await admin.get('/api/dect')).body as DectView,
    act: async (ipei, action, body) => {
      const r = await admin.post(`/api/sim/dect/handsets/${ipei}/${action}`, body);
      assert.is(r.status, 200, `${action} ${ipei}: ${JSON.stringify(r.body)}`);
    },
    hears: async (ipei, hz, what, o = {}) => {
      const since = (await d.handset(ipei)).heard.frames;
      const within = o.within ?? 60;
      return waitUntil(() => d.handset(ipei), (h) => h.heard.frames >= since + FRESH_FRAMES && Math.abs(h.heard.hz - hz) < within, what, o.ms ?? 10_000);
    },
    idle: async (ipei) => {
      await admin.post(`/api/sim/dect/handsets/${ipei}/hook`, { state: 'on' });
      await waitUntil(() => d.handset(ipei), (h) => h.bearers.length === 0, `${ipei} has no bearer`, 10_000);
      await waitFor(() => ex.switch.activeCalls().length === 0, 10_000, 'no call left in the exchange').catch((err: Error) => {
        throw new Error(`${err.message}: ${JSON.stringify(ex.switch.activeCalls())}`);
      });
    },
  };
  // Every base online and synchronised, the board's handsets located.
  await waitUntil(d.dect, (v) => v.bases.length === 3 && v.bases.every((b) => b.online && b.synced), 'three DECT bases online and synchronised', 15_000);
  await waitUntil(d.dect, (v) => [H301, H302].every((i) => v.handsets.find((h) => h.ipei === i)?.located), 'handsets 301 and 302 located', 15_000);
  return d;
}
