/**
 * The HTTP client of bench/api-calls/run.ts, in a process of its own so that its work
 * (undici, reading 180 KiB per answer) does not share the exchange's event loop and the
 * figure is what a browser on another machine would wait for. argv: url, cookie, requests.
 * Prints one JSON line: the latencies in ms, each request until its last byte arrived.
 */
const [url, cookie, n] = process.argv.slice(2);
const headers = { cookie: cookie! };
for (let i = 0; i < 20; i++) await (await fetch(url!, { headers })).arrayBuffer(); // warm up both sides
const ms: number[] = [];
for (let i = 0; i < Number(n); i++) {
  const t0 = performance.now();
  const r = await fetch(url!, { headers });
  await r.arrayBuffer();
  ms.push(performance.now() - t0);
  if (r.status !== 200) throw new Error(`status ${r.status}`);
}
console.log(JSON.stringify(ms));
