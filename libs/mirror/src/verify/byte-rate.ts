/**
 * A ceiling on bytes per second shared by every reader of a scrub, so it does not starve the sync
 * that shares the store's disks or bandwidth. A token bucket holding one second of bytes: a burst
 * after a pause is allowed, a sustained rate above the ceiling waits.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** Paces readers to at most `bytesPerSecond` in total. */
export class ByteRate {
  readonly #perMs: number;
  /** When the bytes taken so far are paid for, in `performance.now()` time. */
  #paidUntil = 0;

  /** @param bytesPerSecond the ceiling; 0 or less means none. */
  constructor(bytesPerSecond: number) {
    this.#perMs = bytesPerSecond / 1000;
  }

  /** Takes `bytes` from the budget, waiting until they fit under the ceiling. */
  async take(bytes: number, signal?: AbortSignal): Promise<void> {
    if (this.#perMs <= 0) return;
    const now = performance.now();
    this.#paidUntil = Math.max(this.#paidUntil, now - 1000) + bytes / this.#perMs;
    const wait = this.#paidUntil - now;
    if (wait > 0) await sleep(wait, undefined, signal ? { signal } : {});
  }
}
