/**
 * V8's young generation during boot. Importing this module stops V8 from growing the young
 * generation beyond its initial 1 MiB per semi-space; `letYoungGenerationGrow()` gives V8 its
 * default growth back once the exchange is up.
 *
 * Why: the burst of long-lived objects made while the exchange boots (the bundle's code, the
 * configuration schema, the routes, the database's statements) survives scavenge after
 * scavenge, so V8 doubles the young generation up to its 16 MiB-per-semi-space maximum and
 * keeps it there while the exchange sits idle: ~10 MiB of resident memory holding nothing
 * (docs/PERFORMANCE.md, Memory). Keeping it small for good costs SIP throughput (+17 % CPU per
 * call in bench/sip-cps: under load a 1 MiB nursery promotes the 32 s transactions' garbage),
 * so only boot runs capped; under traffic V8 sizes it as it always did.
 * Node's `--max-semi-space-size` is read once, when the heap is set up, so it only works on
 * node's command line; the growth factor is read each time V8 considers growing, so setting it
 * here is enough and `node dist/cli.js` needs no flags. Import this module before anything
 * else: ES modules are evaluated in the order they are imported.
 */
import { setFlagsFromString } from 'node:v8';

/** V8's default (`--semi-space-growth-factor`); 0 would be taken literally and crash V8. */
const V8_DEFAULT_GROWTH = 2;

setFlagsFromString('--semi-space-growth-factor=1');

/** Let V8 grow the young generation again as traffic needs (call once the exchange is up). */
export function letYoungGenerationGrow(): void {
  setFlagsFromString(`--semi-space-growth-factor=${V8_DEFAULT_GROWTH}`);
}
