/** A small office for the analog channel unit tests, and a router over the real dial plan. */
import type { Config } from '../../src/config/schema.js';
import type { BaseChannel, Channel } from '../../src/channels/channel.js';
import { resolveDialled } from '../../src/core/dialplan.js';
import type { AnalogRouter } from '../../src/channels/analog/router.js';
import { silentLogger } from '../../common/log.js';

export const office: Config = {
  site: { name: 'Test office', country: 'fr', timezone: 'Europe/Paris' },
  employees: [
    { name: 'Reception', extension: '101', role: 'user', devices: [{ type: 'fxs', port: 1 }], outside_calls: 'national' },
    { name: 'Workshop', extension: '102', role: 'user', devices: [{ type: 'fxs', port: 2 }], outside_calls: 'national' },
  ],
  departments: [],
  lines: [{ name: 'City 1', type: 'fxo', port: 1 }],
  numbers: [{ number: '0140000001', line: 'City 1', route: { type: 'employee', target: '102' } }],
  paging: [],
};

/** Records the legs handed to the core and the numbers they asked for. */
export class RecordingRouter implements AnalogRouter {
  readonly accepted: Array<{ leg: BaseChannel; destination?: string }> = [];
  classify(digits: string, final: boolean) {
    return resolveDialled(office, digits, { final });
  }
  accept(leg: Channel): void {
    const entry: { leg: BaseChannel; destination?: string } = { leg: leg as BaseChannel };
    this.accepted.push(entry);
    leg.once('destination', (n) => (entry.destination = n));
  }
}

export const log = silentLogger();
