// One piece of the exchange's idle memory, alone in a process (bench/memory/run.ts copies this
// file into the build folder, so packages resolve from the build's node_modules):
//   node --expose-gc OUT/probe.mjs OUT/piece.mjs MODE
// MODE: bare | all-deps | <a package name> | sqlite-open | worker-empty | worker-media
import { Worker } from 'node:worker_threads';

const mode = process.argv[2] ?? 'bare';
const DEPS = ['fastify', '@fastify/websocket', '@fastify/cookie', 'pino', 'zod', 'yaml', 'better-sqlite3', 'ws', 'sdp-transform', 'node-pty', 'serialport'];
if (mode === 'all-deps') for (const d of DEPS) await import(d);
else if (mode === 'sqlite-open') {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(':memory:');
  db.exec('create table t (a)');
} else if (mode === 'worker-empty') new Worker('setInterval(() => {}, 1000)', { eval: true });
else if (mode === 'worker-media') new Worker(new URL('./media-worker.js', import.meta.url), { workerData: {} });
else if (mode !== 'bare') await import(mode);
setInterval(() => {}, 1000);
process.stdout.write('autocom ready: piece\n');
