/**
 * A city line as a way out for trunk groups (the OutsideLine capability). What an analog
 * line can do about caller ID: nothing to set it — the provider's exchange shows the line's
 * own number whatever the exchange would like to present — and withholding it only by
 * dialling the provider's withhold code before the number (`withhold_prefix`, e.g. 3651 in
 * France, 141 in the UK, *67 in the US). A line without one cannot withhold: the call goes
 * out with the line's number shown, and the log says so.
 */
import type { Logger } from '../../../common/log.js';
import type { Config } from '../../config/schema.js';
import type { OutsideLine } from '../../outgoing/trunk-groups.js';
import type { Channel } from '../channel.js';
import type { FxoLine } from './fxo-line.js';

export function fxoOutsideLine(line: FxoLine, name: string, config: () => Readonly<Config> | null, log: Logger): OutsideLine {
  return {
    name,
    get free() {
      return line.free;
    },
    seize(number, _caller, opts): Channel | undefined {
      if (!opts.withhold) return line.seizeFor(number);
      const prefix = config()?.lines.find((l) => l.name === name)?.withhold_prefix;
      if (!prefix) log.warn({ line: name }, 'caller ID cannot be withheld on this city line (no withhold_prefix): the line shows its number');
      return line.seizeFor((prefix ?? '') + number);
    },
  };
}
