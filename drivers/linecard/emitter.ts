import { EventEmitter } from 'node:events';
import type { Emitter, EventMap } from '../hal.js';

/**
 * A typed wrapper over Node's EventEmitter. A listener that throws is reported to `onListenerError`
 * instead of unwinding into the serial data handler that emitted the event.
 */
export class TypedEmitter<E extends EventMap> implements Emitter<E> {
  private readonly ee = new EventEmitter();

  constructor(private readonly onListenerError: (err: unknown, event: string) => void = () => {}) {
    this.ee.setMaxListeners(50);
  }

  on<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.ee.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  once<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.ee.once(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.ee.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  protected emit<K extends keyof E & string>(event: K, ...args: E[K]): void {
    for (const l of this.ee.rawListeners(event)) {
      try {
        (l as (...a: unknown[]) => void).apply(this, args);
      } catch (err) {
        this.onListenerError(err, event);
      }
    }
  }

  protected removeAllListeners(): void {
    this.ee.removeAllListeners();
  }
}
