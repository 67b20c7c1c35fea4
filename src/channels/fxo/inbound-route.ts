/**
 * Where a call arriving on a city line goes: the configuration's `numbers` entry whose
 * `line` is this line. An analog line carries no dialled number (no DID), so the line
 * itself identifies the number that was called.
 */
import type { Config, NumberRoute } from '../../config/schema.js';

/** The number entry for calls on `lineName`, or undefined when none routes them. */
export function inboundRouteFor(config: Readonly<Config> | null, lineName: string | undefined): NumberRoute | undefined {
  if (!config || !lineName) return undefined;
  return config.numbers.find((n) => n.line === lineName);
}
