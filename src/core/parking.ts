/**
 * The parking lot: which park slot holds which call now. A slot is a number anyone can
 * dial to take the call back (Asterisk's res_parking, a lot of numbered spaces). The lot
 * only keeps the slots; the park application (src/apps/park.ts) owns the parked channel,
 * plays it music and rings the parker and the operator when nobody takes the call back.
 */
import type { Channel } from '../channels/channel.js';
import type { CallRecord } from './call-record.js';
import type { EventBus } from './events.js';

export interface ParkedCall {
  readonly slot: string;
  /** The parked party's channel. */
  readonly channel: Channel;
  /** The extension that parked it (rung again after the timeout). */
  readonly parker: string;
  readonly record: CallRecord;
  /** Connect `by` (who dialled the slot) to the parked party; false when it is too late. */
  retrieve(by: Channel): boolean;
}

export class ParkingLot {
  private readonly taken = new Map<string, ParkedCall>();

  constructor(private readonly events: EventBus) {}

  /**
   * Put a call in `wanted` when it is free, else (no slot asked for) the first free one of
   * `slots`. Publishes `call.parked` with the slot: that is how the slot is announced.
   * @returns the slot, or undefined when the slot asked for is taken or the lot is full.
   */
  claim(slots: readonly string[], wanted: string | undefined, call: Omit<ParkedCall, 'slot'>): string | undefined {
    const slot = wanted !== undefined ? (this.taken.has(wanted) ? undefined : wanted) : slots.find((s) => !this.taken.has(s));
    if (slot === undefined) return undefined;
    this.taken.set(slot, { ...call, slot });
    this.events.emit('call.parked', { slot, call: call.record.id, parker: call.parker, from: call.channel.caller.number });
    return slot;
  }

  /** The slot is free again (retrieved, recalled, the parked party hung up). */
  release(slot: string, channel: Channel): void {
    const parked = this.taken.get(slot);
    if (parked?.channel !== channel) return;
    this.taken.delete(slot);
    this.events.emit('call.unparked', { slot, call: parked.record.id });
  }

  get(slot: string): ParkedCall | undefined {
    return this.taken.get(slot);
  }

  /** The calls parked now, by slot. */
  list(): ParkedCall[] {
    return [...this.taken.values()];
  }
}
