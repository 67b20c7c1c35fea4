// Runs a built entry (usually OUT/cli.js) in this process with an IPC ear for the memory
// bench: 'mem' answers the heap (after a full GC when node has --expose-gc) and
// /proc/self/status. Plain JavaScript, so the measured process runs with plain node and no
// TypeScript loader, as a firmware image does.
//   node --expose-gc bench/memory/probe.mjs ENTRY [ARGS...]   (spawned with an IPC channel)
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';

process.on('message', (m) => {
  if (m !== 'mem') return;
  globalThis.gc?.();
  const status = readFileSync('/proc/self/status', 'utf8');
  const kib = (k) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  const h = getHeapStatistics();
  process.send({
    mem: {
      VmRSS: kib('VmRSS'), VmHWM: kib('VmHWM'), RssAnon: kib('RssAnon'), RssFile: kib('RssFile'), Threads: kib('Threads'),
      heapUsed: h.used_heap_size, heapTotal: h.total_heap_size, physical: h.total_physical_size, malloced: h.malloced_memory,
      spaces: Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, s.physical_space_size])), external: process.memoryUsage().external,
    },
  });
});
// The IPC channel must not keep an entry alive that would otherwise exit.
process.channel?.unref();
const [entry, ...rest] = process.argv.slice(2);
if (!entry) throw new Error('usage: probe.mjs ENTRY [ARGS...]');
process.argv = [process.argv[0], entry, ...rest];
await import(pathToFileURL(entry).href);
