/**
 * A {@link LanPhone} as a process, to run where the test cannot: inside a network
 * namespace (`ip netns exec NS node --import tsx test/helpers/lan-phone-main.ts JSON`).
 * It registers, calls `target`, and stays in the call until the exchange sends BYE.
 * Each stdin line `report` prints its {@link PhoneReport} as one JSON line; it prints
 * `{"registered":…}`, `{"called":…}` and, after the BYE, `{"ended":REPORT}` and exits.
 */
import { createInterface } from 'node:readline';
import { LanPhone } from './lan-phone.js';

interface Args {
  host: string;
  exchange: string;
  port: number;
  user: string;
  secret: string;
  target: string;
  sendByte: number;
  expectByte: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const say = (o: unknown): void => void process.stdout.write(`${JSON.stringify(o)}\n`);
const phone = await LanPhone.start(args.host, args.sendByte, args.expectByte);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'report') say({ report: phone.snapshot });
});
say({ registered: await phone.register(args.exchange, args.port, args.user, args.secret) });
say({ called: await phone.call(args.exchange, args.port, args.user, args.secret, args.target) });
const deadline = Date.now() + 20_000;
while (!phone.snapshot.requests.some((r) => r.method === 'BYE') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
say({ ended: phone.snapshot });
await phone.stop();
process.exit(0);
