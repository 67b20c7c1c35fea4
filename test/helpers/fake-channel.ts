/**
 * A channel driven by the test instead of a device: the unit-test fake of the Channel
 * seam. `device*` methods act as the phone would (ring, answer, refuse); the log records
 * what the exchange asked of it.
 */
import { BaseChannel, type Channel, type Direction, type HangupCause, type Party } from '../../src/channels/channel.js';

export class FakeChannel extends BaseChannel {
  readonly log: string[] = [];
  /** The other leg the exchange named when it called this one (see Channel.call). */
  peer: Channel | undefined;

  constructor(direction: Direction, owner: string, caller: Party = { number: owner }) {
    super('sip', direction, owner, caller);
  }

  // --- what the exchange asks
  call(caller: Party, peer?: Channel): void {
    this.peer = peer;
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
