/**
 * The channel registry: every live channel of the exchange, found by id, by owner (an
 * employee's extension, a line) and by SIP dialog (for Replaces and pickup). A channel is
 * registered when the core first sees it and leaves when it is released — not when the
 * party it was talking to hangs up: a channel outlives its calls' other legs.
 */
import { dialogKeyString, type Channel, type DialogKey } from '../channels/channel.js';

export class ChannelRegistry {
  private readonly byId = new Map<string, Channel>();
  private readonly addedListeners: Array<(channel: Channel) => void> = [];

  /** Register a live channel (idempotent); it unregisters itself when released. */
  add(channel: Channel): void {
    if (channel.state === 'released' || this.byId.has(channel.id)) return;
    this.byId.set(channel.id, channel);
    channel.once('hangup', () => this.byId.delete(channel.id));
    for (const l of this.addedListeners) l(channel);
  }

  /** Be told of every channel registered from now on (the live view). */
  onAdded(listener: (channel: Channel) => void): void {
    this.addedListeners.push(listener);
  }

  get(id: string): Channel | undefined {
    return this.byId.get(id);
  }

  /** Every live channel of an owner (an analog extension may have two: one held, one talking). */
  byOwner(owner: string): Channel[] {
    return [...this.byId.values()].filter((c) => c.owner === owner);
  }

  /** The channel that is this SIP dialog (RFC 3891 Replaces names a dialog by these three). */
  byDialog(key: DialogKey): Channel | undefined {
    const wanted = dialogKeyString(key);
    for (const c of this.byId.values()) if (c.sipDialog && dialogKeyString(c.sipDialog) === wanted) return c;
    return undefined;
  }

  all(): Channel[] {
    return [...this.byId.values()];
  }

  get size(): number {
    return this.byId.size;
  }
}
