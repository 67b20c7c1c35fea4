/**
 * A channel driven by the test instead of a device: the unit-test fake of the Channel
 * seam. `device*` methods act as the phone would (ring, answer, refuse); the log records
 * what the exchange asked of it.
 */
import { BaseChannel, type Direction, type HangupCause, type Party, type PlacementHint } from '../../src/channels/channel.js';
import type { MediaEndpoint } from '../../src/media/endpoint.js';

export class FakeChannel extends BaseChannel {
  readonly log: string[] = [];
  /** Where the exchange asked this leg to place its media when it called it (see Channel.call). */
  placement: PlacementHint | undefined;

  constructor(direction: Direction, owner: string, caller: Party = { number: owner }) {
    super('sip', direction, owner, caller);
  }

  // --- what the exchange asks
  call(caller: Party, placement?: PlacementHint): void {
    this.placement = placement;
    this.log.push(`call from ${caller.number}`);
    this.moveTo('proceeding');
  }
  ringing(): void {
    this.log.push('ringing');
    if (this.state === 'dialing' || this.state === 'idle' || this.state === 'proceeding') this.moveTo('alerting');
  }
  answer(): void {
    this.log.push('answer');
    this.moveTo('up');
  }
  hangup(cause: HangupCause): void {
    if (this.state === 'released') return;
    this.log.push(`hangup ${cause}`);
    this.released(cause);
  }

  /** Give the leg a media endpoint (an RTP session came up, a handover) and say so. */
  setMedia(endpoint: MediaEndpoint | undefined): void {
    this.media = endpoint;
    this.emit('media', endpoint);
  }
  sendDigits(digits: string): void {
    this.log.push(`digits ${digits}`);
  }
  pressDigits(digits: string, via?: 'rfc4733' | 'info' | 'inband'): void {
    this.emit('digits', digits, via);
  }

  // --- what the device does
  dial(number: string): void {
    this.moveTo('dialing');
    this.emit('destination', number);
  }
  deviceRings(): void {
    this.moveTo('alerting');
  }
  deviceAnswers(): void {
    this.moveTo('up');
  }
  deviceHangsUp(cause: HangupCause = 'normal'): void {
    this.released(cause);
  }
}
