/**
 * DECT handover decisions over many simulated walks (issue 16's benchmark), pure: the
 * emulator's radio model (log-distance path loss, shadowing field, measurement noise) and the
 * handover policy on a fake clock, no ptys — so 10,000 walks take seconds, not hours.
 *
 *   npx tsx bench/dect-walks/run.ts [--walks 10000] [--seed 1] [--full 0.1]
 *
 * A 3 × 3 grid of bases 30 m apart; each walk goes in a straight line at 1.4 m/s between two
 * random points of the 60 × 60 m floor, one radio report every 100 ms. Each base is full
 * (at capacity) with probability `--full` for a whole walk, so "the best base full" happens.
 * Prints: dropped calls (the serving base unheard for 1 s with no eligible candidate),
 * handovers per walk, ping-pong rate (a return to the base just left within 5 s, per 100
 * handovers). Failed handovers are not counted here: the policy only proposes eligible bases,
 * so only a base that changes its mind over the wire can refuse (test/drivers/dect-driver.test.ts,
 * src/dect/handover-controller.ts tries the next). The audio gap is not modelled here: it belongs to
 * make-before-break over the wire, measured by frame counters in test/dect/handover-walk.test.ts.
 */
import { parseArgs } from 'node:util';
import { FakeClock } from '../../common/clock.js';
import { DEFAULT_RADIO, RadioPath, linkQuality, seededRandom } from '../../drivers/emu/dect/radio.js';
import { HandoverPolicy, type BaseView } from '../../src/dect/handover-policy.js';

const { values } = parseArgs({ options: { walks: { type: 'string', default: '10000' }, seed: { type: 'string', default: '1' }, full: { type: 'string', default: '0.1' } } });
const walks = Number(values.walks);
const rand = seededRandom(Number(values.seed));
const pFull = Number(values.full);
const grid = [0, 30, 60].flatMap((y) => [0, 30, 60].map((x) => ({ x, y })));

let dropped = 0;
let handovers = 0;
let pingPongs = 0;
const started = performance.now();
for (let w = 0; w < walks; w++) {
  const clock = new FakeClock();
  const policy = new HandoverPolicy(clock);
  const paths = grid.map(() => new RadioPath(rand, DEFAULT_RADIO));
  const bases: BaseView[] = grid.map((_, i) => ({ rpn: i + 1, online: true, synced: true, calls: rand() < pFull ? 8 : 0, capacity: 8 }));
  const from = { x: rand() * 60, y: rand() * 60 };
  const to = { x: rand() * 60, y: rand() * 60 };
  const steps = Math.max(1, Math.round(Math.hypot(to.x - from.x, to.y - from.y) / 0.14));
  let serving = 0;
  let unheardSince: number | undefined;
  const history: Array<{ from: number; to: number; at: number }> = [];
  for (let s = 0; s <= steps; s++) {
    clock.advance(100);
    const pos = { x: from.x + ((to.x - from.x) * s) / steps, y: from.y + ((to.y - from.y) * s) / steps };
    const samples = grid.flatMap((b, i) => {
      const rssi = paths[i]!.sample(pos, b);
      return rssi === undefined ? [] : [{ rpn: i + 1, rssi, quality: linkQuality(rssi) }];
    });
    if (serving === 0) {
      // The call starts on the strongest base with a free slot.
      const best = samples.filter((x) => bases[x.rpn - 1]!.calls < 8).sort((a, b) => b.rssi - a.rssi)[0];
      if (!best) continue;
      serving = best.rpn;
      bases[serving - 1]!.calls++;
      continue;
    }
    const heard = samples.some((x) => x.rpn === serving);
    unheardSince = heard ? undefined : (unheardSince ?? clock.monotonic());
    const d = policy.report('walker', serving, samples.map((x) => (x.rpn === serving ? x : { rpn: x.rpn, rssi: x.rssi })), bases);
    if (d) {
      const target = d.candidates[0]!;
      const now = clock.monotonic();
      const last = history[history.length - 1];
      if (last && last.from === target && last.to === serving && now - last.at < 5000) pingPongs++;
      history.push({ from: serving, to: target, at: now });
      bases[serving - 1]!.calls--;
      bases[target - 1]!.calls++;
      serving = target;
      policy.handoverDone('walker', target);
      handovers++;
      unheardSince = undefined;
    } else if (unheardSince !== undefined && clock.monotonic() - unheardSince >= 1000) {
      dropped++;
      break;
    }
  }
}
const secs = (performance.now() - started) / 1000;
console.log(JSON.stringify({
  walks, seed: Number(values.seed), p_base_full: pFull, dropped_calls: dropped, handovers_per_walk: +(handovers / walks).toFixed(3),
  ping_pong_per_100_handovers: +((100 * pingPongs) / Math.max(1, handovers)).toFixed(3), elapsed_s: +secs.toFixed(1),
}));
