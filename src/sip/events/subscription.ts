/**
 * One subscription seen from the notifier (RFC 6665 §4.2): the dialog its SUBSCRIBE created,
 * when it expires, and the NOTIFYs that carry the resource's state to the subscriber.
 *
 * - The first NOTIFY goes right after the 200 (§4.2.1.2: "immediately"), with the full state.
 * - One NOTIFY at a time in the dialog: a change while one is unanswered is folded into the
 *   next, which is rendered when it leaves, so it carries the state of that moment (a
 *   package with full-state bodies loses nothing, and CSeq order is never in question).
 * - A refresh (§4.2.1.2) moves the expiry and sends the state again; Expires: 0, the expiry
 *   itself or the notifier's own decision end it with a final NOTIFY
 *   `Subscription-State: terminated;reason=…` (§4.2.2, §4.4.1).
 * - A NOTIFY answered with a usage-ending status (481, 408, … RFC 5057 §5.1), timing out
 *   or failing at the transport ends it at once, without a final NOTIFY (§4.2.2).
 *
 * States (string enum, moves through {@link transition} only):
 * - `active` → `terminating` (the final NOTIFY is sent or queued) | `terminated` (a NOTIFY failed)
 * - `terminating` → `terminated` (the final NOTIFY was answered, or failed)
 * - `terminated` is final.
 */
import type { Clock, TimerHandle } from '../../../common/clock.js';
import type { Logger } from '../../../common/log.js';
import { StateMachine, type TransitionTable } from '../../../common/state-machine.js';
import type { Dialog } from '../dialog.js';
import type { SipStack } from '../stack.js';
import type { Destination } from '../transport/layer.js';
import { endsSubscription, formatEvent, formatSubscriptionState, type EventHeader, type TerminationReason } from './event-header.js';

export type SubscriptionState = 'active' | 'terminating' | 'terminated';

const TABLE: TransitionTable<SubscriptionState> = {
  active: ['terminating', 'terminated'],
  terminating: ['terminated'],
  terminated: [],
};

export interface NotifyBody {
  body: string;
  contentType: string;
}

export interface SubscriptionOptions {
  stack: SipStack;
  clock: Clock;
  log: Logger;
  dialog: Dialog;
  event: EventHeader;
  /** Where NOTIFYs go: the transport source of the SUBSCRIBE (RFC 3581 symmetry, the phone may be behind NAT). */
  destination: Destination;
  expiresS: number;
  /** The resource's state now; `version` counts this subscription's NOTIFYs from 0 (RFC 4235 §4.1). */
  render(version: number): NotifyBody;
  /** Called once when the subscription is over, for whatever reason. */
  onTerminated(reason: TerminationReason | 'failed'): void;
}

export class NotifierSubscription {
  private readonly sm: StateMachine<SubscriptionState>;
  private expiresAt: number;
  private expiry: TimerHandle | undefined;
  private inFlight = false;
  /** A change arrived while a NOTIFY was unanswered: send the state again when it is. */
  private dirty = false;
  private finalReason: TerminationReason | undefined;
  private version = 0;

  constructor(private readonly o: SubscriptionOptions) {
    this.sm = new StateMachine('Subscription', TABLE, 'active');
    this.expiresAt = o.clock.now() + o.expiresS * 1000;
    this.armExpiry(o.expiresS);
  }

  get state(): SubscriptionState {
    return this.sm.state;
  }

  get dialog(): Dialog {
    return this.o.dialog;
  }

  get event(): EventHeader {
    return this.o.event;
  }

  /** Whether a NOTIFY of this subscription awaits its response. */
  get notifying(): boolean {
    return this.inFlight;
  }

  /** The resource changed (or the subscription was just accepted): NOTIFY its state. */
  notify(): void {
    if (this.state !== 'active') return;
    if (this.inFlight) {
      this.dirty = true;
      return;
    }
    this.send();
  }

  /** §4.2.1.2: a refreshing SUBSCRIBE was accepted for `expiresS` more seconds; the state is sent again. */
  refresh(expiresS: number): void {
    if (this.state !== 'active') return;
    this.expiresAt = this.o.clock.now() + expiresS * 1000;
    this.armExpiry(expiresS);
    this.notify();
  }

  /** End it with a final NOTIFY (`terminated;reason=…`): an unsubscribe, the expiry, the notifier's decision. */
  terminate(reason: TerminationReason): void {
    if (this.state !== 'active') return;
    this.o.clock.clearTimeout(this.expiry);
    this.finalReason = reason;
    this.sm.transition('terminating');
    if (!this.inFlight) this.send();
  }

  /** End it without a NOTIFY (the notifier is shutting down, or the subscriber is gone). */
  drop(): void {
    this.end('failed');
  }

  private armExpiry(seconds: number): void {
    this.o.clock.clearTimeout(this.expiry);
    // §4.2.2 / §4.4.1: an unrefreshed subscription ends with a NOTIFY saying so.
    this.expiry = this.o.clock.setTimeout(() => this.terminate('timeout'), seconds * 1000);
  }

  private send(): void {
    const final = this.state === 'terminating';
    const { body, contentType } = this.o.render(this.version++);
    const state = final
      ? formatSubscriptionState({ state: 'terminated', reason: this.finalReason! })
      : formatSubscriptionState({ state: 'active', expiresS: (this.expiresAt - this.o.clock.now()) / 1000 });
    const req = this.o.dialog.createRequest('NOTIFY', {
      headers: [['Event', formatEvent(this.o.event)], ['Subscription-State', state]],
      body,
      contentType,
    });
    this.inFlight = true;
    this.dirty = false;
    const done = (status: number): void => {
      this.inFlight = false;
      if (this.sm.state === 'terminated') return; // dropped meanwhile
      if (final) return this.end(this.finalReason!); // answered or not, the final NOTIFY was the last word
      if (endsSubscription(status)) {
        this.o.log.debug({ call: this.o.dialog.id.callId, status }, 'sip: NOTIFY refused, subscription ended');
        return this.end('failed');
      }
      // A 2xx, or another failure (a 500 from a busy phone) that leaves the subscription in
      // place: what changed meanwhile, or a terminate() asked meanwhile, goes out now.
      if (this.sm.state === 'terminating' || this.dirty) this.send();
    };
    this.o.stack.sendRequest(req, {
      destination: this.o.destination,
      onResponse: (res) => {
        if (res.status >= 200) done(res.status);
      },
      // §4.2.2: a NOTIFY that times out (Timer F) ends the subscription; so does no route back.
      onTimeout: () => done(408),
      onTransportError: () => done(408),
    });
  }

  private end(reason: TerminationReason | 'failed'): void {
    if (this.state === 'terminated') return;
    this.o.clock.clearTimeout(this.expiry);
    this.sm.transition('terminated');
    this.o.dialog.terminate();
    this.o.onTerminated(reason);
  }
}
