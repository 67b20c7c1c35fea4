/**
 * The channel registry: every live channel of the exchange, found by id, by owner (an
 * employee's extension, a line) and by SIP dialog (for Replaces and pickup). A channel is
 * registered when the core first sees it and leaves when it is released — not when the
 * party it was talking to hangs up: a channel outlives its calls' other legs.
 */
import { dialogKeyString, type Channel, type DialogKey, type TransferRequest } from '../channels/channel.js';
import type { TransferNote, Unanswered } from './app-context.js';

export class ChannelRegistry {
  private readonly byId = new Map<string, Channel>();
  /** The same channels by owner: presence asks per department member on every ring (bench/routing). */
  private readonly owners = new Map<string, Set<Channel>>();
  private readonly addedListeners: Array<(channel: Channel) => void> = [];
  /** Applications that would let another channel take this one's place (attended transfer). */
  private readonly replacers = new Map<Channel, (by: Channel, transfer?: TransferNote) => void>();
  /** Applications that would give the party a channel talks with to another call (a conference made from two calls). */
  private readonly givers = new Map<Channel, () => Channel | undefined>();
  /** Calls still ringing for this channel, their caller, that would take another channel as their caller (AppContext.handDial). */
  private readonly dialers = new Map<Channel, (by: Channel, unanswered: Unanswered, transfer?: TransferNote) => boolean>();
  /** Applications that would transfer this channel's peer when the exchange asks (the three-way code). */
  private readonly transferrers = new Map<Channel, (request: TransferRequest) => void>();

  /** Register a live channel (idempotent); it unregisters itself when released. */
  add(channel: Channel): void {
    if (channel.state === 'released' || this.byId.has(channel.id)) return;
    this.byId.set(channel.id, channel);
    const mine = this.owners.get(channel.owner) ?? new Set<Channel>();
    mine.add(channel);
    this.owners.set(channel.owner, mine);
    channel.once('hangup', () => {
      this.byId.delete(channel.id);
      mine.delete(channel);
      if (mine.size === 0 && this.owners.get(channel.owner) === mine) this.owners.delete(channel.owner);
    });
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
    const mine = this.owners.get(owner);
    return mine ? [...mine] : [];
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
  onReplace(channel: Channel, replace: (by: Channel, transfer?: TransferNote) => void): () => void {
    this.replacers.set(channel, replace);
    return () => {
      if (this.replacers.get(channel) === replace) this.replacers.delete(channel);
    };
  }

  /** Whether an application would let another channel take `channel`'s place now. */
  canReplace(channel: Channel): boolean {
    return this.replacers.has(channel);
  }

  /** `by` takes `channel`'s place in its call (`transfer`: an attended transfer's, for that call's record); false when no application would let it. */
  replace(channel: Channel, by: Channel, transfer?: TransferNote): boolean {
    const replace = this.replacers.get(channel);
    if (!replace) return false;
    this.replacers.delete(channel);
    replace(by, transfer);
    return true;
  }

  /**
   * While it talks, `channel`'s application would let another call take the party it talks
   * with (`handOver`): `give` stops bridging them, lets that party go and returns it.
   */
  onHandOver(channel: Channel, give: () => Channel | undefined): () => void {
    this.givers.set(channel, give);
    return () => {
      if (this.givers.get(channel) === give) this.givers.delete(channel);
    };
  }

  /** The party `channel` talks with leaves its call for the caller's (undefined when no application would let it). */
  handOver(channel: Channel): Channel | undefined {
    const give = this.givers.get(channel);
    if (!give) return undefined;
    this.givers.delete(channel);
    return give();
  }

  /** While its call rings, `caller`'s call would take another channel as its caller (`take`); call the returned function to stop. */
  onHandDial(caller: Channel, take: (by: Channel, unanswered: Unanswered, transfer?: TransferNote) => boolean): () => void {
    this.dialers.set(caller, take);
    return () => {
      if (this.dialers.get(caller) === take) this.dialers.delete(caller);
    };
  }

  /** `by` becomes the caller of the call still ringing for `caller`; false when there is no such call. */
  handDial(caller: Channel, by: Channel, unanswered: Unanswered, transfer?: TransferNote): boolean {
    const take = this.dialers.get(caller);
    if (!take || !take(by, unanswered, transfer)) return false;
    this.dialers.delete(caller);
    return true;
  }

  /** While it talks, `channel`'s application carries out transfers the exchange asks for on its behalf; call the returned function to stop. */
  onTransferAsk(channel: Channel, transfer: (request: TransferRequest) => void): () => void {
    this.transferrers.set(channel, transfer);
    return () => {
      if (this.transferrers.get(channel) === transfer) this.transferrers.delete(channel);
    };
  }

  /** Transfer `channel`'s peer as if `channel`'s device had asked (a REFER); false when its call is not talking. */
  askTransfer(channel: Channel, request: TransferRequest): boolean {
    const transfer = this.transferrers.get(channel);
    if (!transfer) return false;
    transfer(request);
    return true;
  }

  all(): Channel[] {
    return [...this.byId.values()];
  }

  get size(): number {
    return this.byId.size;
  }
}
