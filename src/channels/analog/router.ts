/**
 * What the analog channels need from the switching core: hand it an inbound leg, and ask
 * what digits dialled so far mean (overlap dialling). `Switch` provides both; unit tests
 * pass a small fake.
 */
import type { Channel } from '../channel.js';
import type { Destination } from '../../core/dialplan.js';

export interface AnalogRouter {
  /** What `digits` mean now; `final` when no more digits will come. */
  classify(digits: string, final: boolean): Destination;
  /** Take an inbound leg: the core routes its call when the leg emits `destination`. */
  accept(leg: Channel): unknown;
}
