/**
 * The watchers of the BLF benchmark, in a process of their own so the exchange's CPU is its
 * own: one SIP phone (our SipStack on a UDP socket) per watching extension, each subscribing
 * to the `dialog` state of its share of the watched extensions with digest credentials and
 * answering every NOTIFY 200. Each NOTIFY's arrival is recorded (wall-clock ms with
 * sub-millisecond precision, comparable with the parent's on the same machine) with the
 * resource it is about, and sent to the parent at the end.
 *
 * Started by run.ts with: node --import tsx bench/blf/watchers.ts (IPC channel).
 * Messages in: { port, watchers: [{ ext, secret, targets }] }, then 'stop'.
 * Messages out: 'subscribed' once every 200 came, then { arrivals: [[resource, ms], …] }.
 */
import { performance } from 'node:perf_hooks';
import { createResponse, type SipRequest, type ServerTransaction } from '../../src/sip/index.js';
import { TestPhone } from '../../test/helpers/sip-phone.js';

interface Plan {
  port: number;
  watchers: Array<{ ext: string; secret: string; targets: string[] }>;
}

const now = (): number => performance.timeOrigin + performance.now();
const arrivals: Array<[string, number]> = [];
const phones: TestPhone[] = [];

process.on('message', async (m: Plan | 'stop') => {
  if (m === 'stop') {
    process.send!({ arrivals }, () => {
      void Promise.all(phones.map((p) => p.stop())).then(() => process.exit(0));
    });
    return;
  }
  for (const w of m.watchers) {
    const phone = await TestPhone.start(m.port);
    phones.push(phone);
    phone.stack.onRequest((req: SipRequest, tx: ServerTransaction) => {
      if (req.method === 'NOTIFY') {
        const entity = /entity="sip:([^@"]+)@/.exec(req.body.toString('utf8'))?.[1];
        if (entity) arrivals.push([entity, now()]);
      }
      tx.respond(createResponse(req, 200, 'OK'));
    });
    // Sequentially per phone, the phones side by side: as a room of phones booting.
    await Promise.all(w.targets.map(async (t, i) => {
      await new Promise((r) => setTimeout(r, i * 5));
      const r = await phone.sendAuthenticated({ method: 'SUBSCRIBE', target: t, from: w.ext, headers: [['Event', 'dialog'], ['Expires', '3600']] }, { username: w.ext, password: w.secret });
      if (r.final.status !== 200) throw new Error(`${w.ext} → ${t}: ${r.final.status} ${r.final.reason}`);
    }));
  }
  process.send!('subscribed');
});
