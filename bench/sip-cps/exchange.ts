/**
 * The exchange under test, in its own process so run.ts can pin it to one core
 * (`taskset -c 0`) and profile it (`--cpu-prof`) apart from sipp and from itself.
 *
 * Usage: node --import tsx bench/sip-cps/exchange.ts DIR [CONFIG.yaml]
 * Boots a whole exchange (store, core, SIP, API) on loopback with the example
 * office (201 and 202 are SIP phones) on a board without line cards — the emulated cards
 * are separate processes that would share the measured core. Logs go to DIR/exchange.log
 * at the production level (info) unless AUTOCOM_LOG_LEVEL says otherwise: the cost of
 * logging is part of what a real box pays per call.
 * Prints one JSON line {"sip": port} on stdout once ready; answers 'loop-delay' on the IPC
 * channel with its event-loop delay since the last ask, and 'stats' with what the exchange
 * holds (Exchange.stats(): transactions, dialogs, timers, RTP legs …) and its heap — after a
 * full garbage collection when started with --expose-gc (bench/soak does); stops cleanly on SIGTERM.
 */
// First, as in src/cli.ts: the young generation stays small while the exchange boots.
import { letYoungGenerationGrow } from '../../src/boot/young-generation.js';
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { pino } from 'pino';
import { startExchange } from '../../src/main.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: exchange.ts DIR');
const board = join(dir, 'bench-board.yaml');
writeFileSync(board, 'name: bench\ndescription: SIP benchmark, no line cards\nsimulator: false\nlinecards: []\nrelays: []\n');
// A configuration file may be given (bench/trunk-cps: the example with a SIP trunk).
const config = process.argv[3] ?? new URL('../../test/fixtures/config/example.yaml', import.meta.url).pathname;
const level = process.env.AUTOCOM_LOG_LEVEL ?? 'info';
// Same shape as common/log.ts (JSON lines, asynchronous writes), to a file instead of stderr.
const logger = pino({ name: 'autocom', level, base: { pid: process.pid } }, pino.destination({ dest: join(dir, 'exchange.log'), sync: false }));

const ex = await startExchange({ board, data: join(dir, 'data'), config, bind: '127.0.0.1', sipPort: 0, httpPort: 0, logLevel: level, logger });
letYoungGenerationGrow(); // as `autocom start` does once it is up
process.stdout.write(`${JSON.stringify({ sip: ex.sip.port })}\n`);

// The delay every SIP message waits behind whatever else the loop is doing, per run:
// run.ts asks for it (and resets it) over the IPC channel after each run.
const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
process.on('message', (m) => {
  if (m === 'stats') {
    (globalThis as { gc?: () => void }).gc?.();
    const mem = process.memoryUsage();
    // Node's own view of the main thread's live handles (every Timeout, UDP/TCP wrap …), beside the exchange's counters.
    const resources: Record<string, number> = {};
    for (const r of process.getActiveResourcesInfo()) resources[r] = (resources[r] ?? 0) + 1;
    process.send?.({ stats: { ...ex.stats(), node: resources }, heapUsed: mem.heapUsed, heapTotal: mem.heapTotal, external: mem.external, arrayBuffers: mem.arrayBuffers, gc: typeof (globalThis as { gc?: unknown }).gc === 'function' });
    return;
  }
  if (m !== 'loop-delay') return;
  process.send?.({ p99Ms: loop.percentile(99) / 1e6, maxMs: loop.max / 1e6, heapMiB: process.memoryUsage().heapUsed / 2 ** 20 });
  loop.reset();
});

const stop = async (): Promise<void> => {
  await ex.close();
  logger.flush();
  process.exit(0); // --cpu-prof writes its profile on a normal exit
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
