/**
 * One real exchange (a site of the network) in its own process, for the benchmarks of
 * bench/network: a separate process can be killed (`kill -9`), stopped (SIGSTOP, a hung
 * box) and measured (heap and RSS of that exchange alone).
 *
 * Usage: node --import tsx bench/network/site-process.ts DIR CONFIG.yaml [sim|bare] [TLS_PORT]
 * `sim`: board/sim.yaml (the line-card emulator, for the city line of the fallback);
 * `bare`: a board without line cards. Logs to DIR/exchange.log at `warn`, unless
 * AUTOCOM_LOG_LEVEL says otherwise. Prints one JSON line {sip, http, tls, pid} once ready.
 * Over the IPC channel it forwards every `network.*` and `line.state` event with the wall
 * time it was seen (`at`, Date.now(): the benchmark runs on the same machine), and answers
 *  - 'mem': heap, external and RSS after two full garbage collections (--expose-gc);
 *  - 'traffic': SIP messages and bytes on the network's TLS transport so far, by method
 *    (requests) or `2xx`/`4xx`… (responses), sent and received;
 *  - 'connections': the TLS connections standing (one per peer site by design);
 *  - 'no-calls': stop taking calls from the network (INVITE → 405), as an older site.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { startExchange } from '../../src/main.js';
import { countTraffic } from './traffic.js';

const [dir, config, boardKind = 'bare', tls = '0'] = process.argv.slice(2);
if (!dir || !config) throw new Error('usage: site-process.ts DIR CONFIG.yaml [sim|bare] [TLS_PORT]');
let board = new URL('../../board/sim.yaml', import.meta.url).pathname;
if (boardKind === 'bare') {
  board = join(dir, 'bench-board.yaml');
  writeFileSync(board, 'name: bench\ndescription: network benchmark, no line cards\nsimulator: false\nlinecards: []\nrelays: []\n');
}
const level = process.env.AUTOCOM_LOG_LEVEL ?? 'warn';
const logger = pino({ name: 'autocom', level, base: { pid: process.pid } }, pino.destination({ dest: join(dir, 'exchange.log'), sync: false }));
const ex = await startExchange({ board, data: join(dir, 'data'), config, bind: '127.0.0.1', sipPort: 0, httpPort: 0, tlsPort: Number(tls), logLevel: level, logger });
const net = ex.network?.current();
if (!net) throw new Error('the configuration names no site.id: no network');
const traffic = countTraffic(net.tls);

ex.events.subscribe((e) => {
  if ((e.type.startsWith('network.') || e.type === 'line.state') && process.connected) process.send?.({ event: e.type, data: e.data, at: Date.now() });
});
process.on('message', (m) => {
  if (m === 'mem') {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    const u = process.memoryUsage();
    process.send?.({ mem: { heapUsed: u.heapUsed, external: u.external, arrayBuffers: u.arrayBuffers, rss: u.rss, gc: typeof gc === 'function' } });
  } else if (m === 'traffic') process.send?.({ traffic: traffic.snapshot() });
  else if (m === 'connections') process.send?.({ connections: net.tls.connectionCount });
  else if (m === 'no-calls') {
    // As a site of an older version: INVITEs from the network answered 405 (bench/network/fallback.ts).
    net.calls = undefined;
    process.send?.({ 'no-calls': true });
  }
});
process.stdout.write(`${JSON.stringify({ sip: ex.sip.port, http: ex.http.port, tls: net.port, pid: process.pid })}\n`);

const stop = async (): Promise<void> => {
  await ex.close();
  logger.flush();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
