/**
 * The routing decision of a call to one of the site's numbers, as a pure function of (the
 * number's entry, the office mode now): which route it takes and the path so far, for the
 * `route.step` events. apps/number.ts acts on it; bench/routing measures it together with
 * the dial plan's lookup and the members' availability.
 */
import type { OfficeModeName, TargetRoute } from '../config/incoming-schema.js';
import { routeFor } from '../config/incoming-validate.js';
import type { NumberRoute } from '../config/schema.js';

export interface ModeNow {
  mode: OfficeModeName;
  forced: boolean;
}

export interface NumberDecision {
  route: TargetRoute | undefined;
  /** `number:…`, `mode:…` (`:forced` when someone forced it), appended to `path`. */
  path: string[];
}

export function decideNumber(entry: NumberRoute, now: ModeNow, path: readonly string[] = []): NumberDecision {
  return {
    route: routeFor(entry, now.mode),
    path: [...path, `number:${entry.number}`, `mode:${now.mode}${now.forced ? ':forced' : ''}`],
  };
}
