/**
 * Coalesces sync requests: never two syncs at once, and while one runs at most one follow-up is
 * queued, so a burst of webhooks gives one or two syncs, never more, and the last hook's index
 * state is always picked up by a sync that starts after it.
 */

/** What a scheduled sync reports. */
export interface SchedulerState {
  readonly running: boolean;
  readonly queued: boolean;
  readonly runs: number;
  readonly lastError: unknown;
  readonly lastFinishedAt: Date | undefined;
}

/** Runs `sync` on request, one at a time, with at most one follow-up queued. */
export class SyncScheduler {
  #running: Promise<void> | undefined;
  #queued = false;
  #runs = 0;
  #lastError: unknown;
  #lastFinishedAt: Date | undefined;
  #closed = false;

  constructor(
    private readonly sync: (reason: string) => Promise<void>,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** Requests a sync. Returns `started` or `queued` (or `ignored` once closed). */
  trigger(reason: string): 'started' | 'queued' | 'ignored' {
    if (this.#closed) return 'ignored';
    if (this.#running) {
      this.#queued = true;
      return 'queued';
    }
    this.#running = this.#loop(reason);
    return 'started';
  }

  async #loop(reason: string): Promise<void> {
    let why = reason;
    for (;;) {
      this.#runs++;
      try {
        await this.sync(why);
        this.#lastError = undefined;
      } catch (error) {
        this.#lastError = error;
        this.onError(error);
      }
      this.#lastFinishedAt = new Date();
      if (!this.#queued || this.#closed) break;
      this.#queued = false;
      why = 'queued follow-up';
    }
    this.#running = undefined;
  }

  get state(): SchedulerState {
    return {
      running: this.#running !== undefined,
      queued: this.#queued,
      runs: this.#runs,
      lastError: this.#lastError,
      lastFinishedAt: this.#lastFinishedAt,
    };
  }

  /** Stops accepting requests and waits for the running sync (drop the queued one). */
  async close(): Promise<void> {
    this.#closed = true;
    this.#queued = false;
    await this.#running;
  }
}
