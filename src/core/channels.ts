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
  /** Applications that would let another channel take this one's place (attended transfer). */
  private readonly replacers = new Map<Channel, (by: Channel) => void>();

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

  /**
   * The dialog a Replaces names (RFC 3891 §3): its to-tag and from-tag are from the sender's
   * side, which is either side of ours depending on who sent the dialog's INVITE.
   */
  byReplaces(key: DialogKey): Channel | undefined {
    return this.byDialog(key) ?? this.byDialog({ callId: key.callId, localTag: key.remoteTag, remoteTag: key.localTag });
  }

  /** While it talks, `channel`'s application lets another channel replace it (`replace`); call the returned function to stop. */
  onReplace(channel: Channel, replace: (by: Channel) => void): () => void {
    this.replacers.set(channel, replace);
    return () => {
      if (this.replacers.get(channel) === replace) this.replacers.delete(channel);
    };
  }

  /** Whether an application would let another channel take `channel`'s place now. */
  canReplace(channel: Channel): boolean {
    return this.replacers.has(channel);
  }

  /** `by` takes `channel`'s place in its call; false when no application would let it. */
  replace(channel: Channel, by: Channel): boolean {
    const replace = this.replacers.get(channel);
    if (!replace) return false;
    this.replacers.delete(channel);
    replace(by);
    return true;
  }

  all(): Channel[] {
    return [...this.byId.values()];
  }

  get size(): number {
    return this.byId.size;
  }
}
