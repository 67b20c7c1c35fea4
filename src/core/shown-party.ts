/**
 * Who a phone is shown (caller ID, connected line, a call record's `from`): an extension as
 * its number and, for an employee, their name from the configuration.
 */
import type { Channel, Party } from '../channels/channel.js';
import type { Config } from '../config/schema.js';

/** `extension` as phones show it: the number, with the employee's name when it is one's. */
export function extensionParty(config: Readonly<Config> | null | undefined, extension: string): Party {
  const name = config?.employees.find((e) => e.extension === extension)?.name;
  return name ? { number: extension, name } : { number: extension };
}

/**
 * Whom a channel is, as the other party's phone should show it: an inbound leg's caller; an
 * outbound leg's owner (after a transfer made it a call's caller, its `caller` is whoever
 * called it, the transferor).
 */
export function channelParty(config: Readonly<Config> | null | undefined, c: Channel): Party {
  return c.direction === 'inbound' ? c.caller : extensionParty(config, c.owner);
}
