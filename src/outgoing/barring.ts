/**
 * Call barring of one outside call: the number's class by the site's country rules, checked
 * against the classes of service of whoever the call is dialled for, in the office mode in
 * force. Emergency numbers are never barred.
 */
import type { Config } from '../config/schema.js';
import type { Destination } from '../core/dialplan.js';
import { classifyOutsideNumber } from './classify.js';
import { barringReason, outsideCallsOf } from './class-of-service.js';
import type { NumberClass } from './number-class.js';

export interface BarringVerdict {
  cls: NumberClass;
  /** Why it is barred; undefined when the call may go out. */
  barred: string | undefined;
}

export function outsideCallVerdict(config: Readonly<Config>, owner: string, dest: Extract<Destination, { kind: 'outside' }>, mode: string): BarringVerdict {
  const cls = dest.emergency ? 'emergency' : classifyOutsideNumber(config.site.country, dest.number);
  return { cls, barred: barringReason(outsideCallsOf(config, owner), cls, mode) };
}
