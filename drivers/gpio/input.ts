/**
 * A debounced digital input (door button, door contact) read from a GPIO line. The line is
 * sampled every `pollMs` on the injected clock and a change is reported once the new level
 * has held for `debounceMs` (a push button bounces for a few milliseconds; a door contact
 * rattles when the door slams). Sampling instead of edge interrupts keeps one code path for
 * a real sysfs line and for the sim board's emulated tree (sysfs.ts), at the cost of one
 * small read per sample — 100 reads a second at the default, nothing a board notices.
 */
import { EventEmitter } from 'node:events';
import type { Clock, TimerHandle } from '../../common/clock.js';
import type { Input, InputEvents } from '../hal.js';

export interface DebouncedInputOptions {
  name: string;
  /** The line's logical level now (true = active). */
  read: () => boolean;
  clock: Clock;
  pollMs?: number;
  debounceMs?: number;
  /** A read that fails (the line vanished) is reported here, and the last level kept. */
  onError?: (err: Error) => void;
}

export class DebouncedInput extends EventEmitter implements Input {
  readonly name: string;
  active: boolean;
  private candidate: boolean;
  private since: number;
  private readonly timer: TimerHandle;
  private failing = false;

  constructor(private readonly o: DebouncedInputOptions) {
    super();
    this.name = o.name;
    this.active = this.sample() ?? false;
    this.candidate = this.active;
    this.since = o.clock.monotonic();
    this.timer = o.clock.setInterval(() => this.poll(), o.pollMs ?? 10);
  }

  async close(): Promise<void> {
    this.o.clock.clearInterval(this.timer);
  }

  private sample(): boolean | undefined {
    try {
      const v = this.o.read();
      this.failing = false;
      return v;
    } catch (err) {
      if (!this.failing) this.o.onError?.(err as Error);
      this.failing = true;
      return undefined;
    }
  }

  private poll(): void {
    const level = this.sample();
    if (level === undefined) return;
    const now = this.o.clock.monotonic();
    if (level !== this.candidate) {
      this.candidate = level;
      this.since = now;
    }
    if (this.candidate !== this.active && now - this.since >= (this.o.debounceMs ?? 50)) {
      this.active = this.candidate;
      this.emit('change', this.active);
    }
  }
}
// The typed view of the emitter (node's EventEmitter is untyped).
export interface DebouncedInput {
  emit<K extends keyof InputEvents & string>(e: K, ...a: InputEvents[K]): boolean;
}
