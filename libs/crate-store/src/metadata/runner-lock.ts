/**
 * The single-runner lock every metadata backend hands out: a lease renewed in the background, an
 * `AbortSignal` that fires when it is lost, and a check writers call before each write.
 */
import { hostname } from 'node:os';
import { LockLostError } from '../errors.js';

/** Options of `MetadataStore.acquireLock`. */
export interface LockOptions {
  /** Lock name (default `fetcher`); one runner per name. */
  readonly name?: string;
  /** Lease length; renewed every third of it (default 30 s). */
  readonly ttlSeconds?: number;
  /** How the holder describes itself to a runner refused the lock (default host, pid, start time). */
  readonly owner?: string;
}

/** A held lock. */
export interface RunnerLock {
  readonly name: string;
  readonly owner: string;
  /** Aborts (reason: `LockLostError`) when the lease is lost; stop writing then. */
  readonly signal: AbortSignal;
  /** Throws `LockLostError` when the lock is no longer held. */
  assertHeld(): void;
  /** Gives the lock up; idempotent. */
  release(): Promise<void>;
}

/** The default owner description: `host pid 1234 since 2026-...`. */
export function defaultOwner(): string {
  return `${hostname()} pid ${process.pid} since ${new Date().toISOString()}`;
}

/**
 * Shared bookkeeping of a held lock: loss is latched once, and a lease whose last successful
 * renewal is older than its TTL counts as lost even before the backend notices, so a holder cut off
 * from the backend stops writing before another runner can take over.
 */
export class LeaseTracker {
  readonly #controller = new AbortController();
  #renewedAt = Date.now();
  readonly #watchdog: NodeJS.Timeout;

  constructor(
    readonly name: string,
    readonly ttlMs: number,
  ) {
    // Fires the signal on an expired lease even when nobody calls assertHeld.
    this.#watchdog = setInterval(
      () => {
        try {
          this.assertHeld();
        } catch {
          this.stop();
        }
      },
      Math.max(50, ttlMs / 6),
    ).unref();
  }

  /** Stops the watchdog (on release or loss). */
  stop(): void {
    clearInterval(this.#watchdog);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  renewed(): void {
    this.#renewedAt = Date.now();
  }

  lose(reason: string, cause?: unknown): void {
    if (!this.#controller.signal.aborted) {
      this.#controller.abort(new LockLostError(this.name, reason, { cause }));
    }
  }

  assertHeld(): void {
    if (!this.#controller.signal.aborted && Date.now() - this.#renewedAt > this.ttlMs) {
      this.lose(`lease not renewed for ${Date.now() - this.#renewedAt} ms (ttl ${this.ttlMs} ms)`);
    }
    if (this.#controller.signal.aborted) throw this.#controller.signal.reason;
  }
}
