/**
 * RFC 3891 (Replaces): an answered leg takes the place of one of the exchange's dialogs in
 * its call. Its own piece of the core, apart from the switch: it needs only the channel
 * registry (found by dialog, swapped in place), never a session.
 */
import type { Channel, DialogKey } from '../channels/channel.js';
import type { ChannelRegistry } from './channels.js';

/** The outcome of an INVITE with Replaces. */
export type ReplaceVerdict = 'replaced' | 'not-found' | 'forbidden' | 'busy';

export class CallReplacement {
  constructor(private readonly channels: ChannelRegistry) {}

  /**
   * What `replace` would answer for a leg of `owner` now (checked before the leg's media is
   * opened): `not-found` when no live call is that dialog, `forbidden` when it is another
   * employee's (only one's own call may be taken over: another phone of the same extension),
   * `busy` when its call is not talking.
   */
  check(key: DialogKey, owner: string): ReplaceVerdict {
    const old = this.channels.byReplaces(key);
    if (!old || old.state !== 'up') return 'not-found';
    if (old.owner !== owner) return 'forbidden';
    return this.channels.canReplace(old) ? 'replaced' : 'busy';
  }

  /** RFC 3891 §3: `leg` (answered here) takes the place of the dialog's channel, which hangs the old one up. */
  replace(leg: Channel, key: DialogKey): ReplaceVerdict {
    const verdict = this.check(key, leg.owner);
    if (verdict !== 'replaced') return verdict;
    const old = this.channels.byReplaces(key)!;
    leg.answer();
    if (leg.state !== 'up' || !this.channels.replace(old, leg)) leg.hangup('congestion');
    return 'replaced';
  }
}
