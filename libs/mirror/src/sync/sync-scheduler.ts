/**
 * Coalesces sync requests: never two syncs at once, and while one runs at most one follow-up is
 * queued, so a burst of webhooks gives one or two syncs, never more, and the last hook's index
 * state is always picked up by a sync that starts after it. A sync that could not start because
 * another runner holds the lock (a CronJob) is tried again after `busyRetryMs`: a hook is never
 * dropped.
 */

/** What a scheduled sync reports. */
export interface SchedulerState {
  readonly running: boolean;
  readonly queued: boolean;
  readonly runs: number;
  readonly lastError: unknown;
  readonly lastFinishedAt: Date | undefined;
  /** A retry is waiting for another runner to free the lock. */
  readonly waitingForLock: boolean;
  /** `close()` was called: no more syncs. */
  readonly closed: boolean;
}

/** Options of {@link SyncScheduler}. */
export interface SyncSchedulerOptions {
  /** Called with every failed sync. */
  readonly onError?: (error: unknown) => void;
  /** `true` for an error that means "another runner holds the lock": retried, not a failure. */
  readonly isBusy?: (error: unknown) => boolean;
  /** Wait before retrying a sync refused by a busy lock, ms (default 30 s). */
  readonly busyRetryMs?: number;
}

/** What the scheduler tells a sync it starts. */
export interface SyncRequest {
  /** This run retries a request refused by a busy lock (it was recorded when first refused). */
  readonly retry: boolean;
}

/** Runs `sync` on request, one at a time, with at most one follow-up queued. */
export class SyncScheduler {
  #running: Promise<void> | undefined;
  #queued = false;
  #runs = 0;
  #lastError: unknown;
  #lastFinishedAt: Date | undefined;
  #closed = false;
  #busyTimer: NodeJS.Timeout | undefined;
  readonly #options: SyncSchedulerOptions;

  constructor(
    private readonly sync: (reason: string, request: SyncRequest) => Promise<void>,
    options: SyncSchedulerOptions | ((error: unknown) => void) = {},
  ) {
    this.#options = typeof options === 'function' ? { onError: options } : options;
  }

  /** Requests a sync. Returns `started` or `queued` (or `ignored` once closed). */
  trigger(reason: string): 'started' | 'queued' | 'ignored' {
    return this.#request(reason, false);
  }

  #request(reason: string, retry: boolean): 'started' | 'queued' | 'ignored' {
    if (this.#closed) return 'ignored';
    if (this.#running) {
      this.#queued = true;
      return 'queued';
    }
    this.#running = this.#loop(reason, retry);
    return 'started';
  }

  async #loop(reason: string, firstIsRetry: boolean): Promise<void> {
    let why = reason;
    let retry = firstIsRetry;
    for (;;) {
      this.#runs++;
      try {
        await this.sync(why, { retry });
        this.#lastError = undefined;
      } catch (error) {
        if (this.#options.isBusy?.(error) && !this.#closed) {
          // Not a failure: the holder's run may predate the hook, so try again once it is done.
          this.#retryLater(why);
        } else {
          this.#lastError = error;
          this.#options.onError?.(error);
        }
      }
      this.#lastFinishedAt = new Date();
      if (!this.#queued || this.#closed) break;
      this.#queued = false;
      why = 'queued follow-up';
      retry = false;
    }
    this.#running = undefined;
  }

  #retryLater(reason: string): void {
    if (this.#busyTimer) return;
    this.#busyTimer = setTimeout(() => {
      this.#busyTimer = undefined;
      this.#request(
        `${reason.replace(/ \(retry: lock was busy\)$/, '')} (retry: lock was busy)`,
        true,
      );
    }, this.#options.busyRetryMs ?? 30_000);
    this.#busyTimer.unref();
  }

  get state(): SchedulerState {
    return {
      running: this.#running !== undefined,
      queued: this.#queued,
      runs: this.#runs,
      lastError: this.#lastError,
      lastFinishedAt: this.#lastFinishedAt,
      waitingForLock: this.#busyTimer !== undefined,
      closed: this.#closed,
    };
  }

  /** Stops accepting requests and waits for the running sync (drop the queued one). */
  async close(): Promise<void> {
    this.#closed = true;
    this.#queued = false;
    clearTimeout(this.#busyTimer);
    this.#busyTimer = undefined;
    await this.#running;
  }
}
