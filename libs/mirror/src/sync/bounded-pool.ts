/**
 * The sync's work pool: items from a stream run at most `concurrency` at a time, and the stream is
 * read only as fast as work drains (a plan of 2 M versions is never held in memory). At most `max`
 * items run; the rest are counted as deferred. Once `stopping()` holds, no new item starts and
 * the stream is left unread. Every started task is awaited before the pool returns.
 */

/** Options of {@link runBounded}. */
export interface BoundedPoolOptions<T> {
  /** Tasks in flight at most (at least 1). */
  readonly concurrency: number;
  /** Tasks started at most; later items are deferred (default: no limit). */
  readonly max?: number;
  /** Checked before each item: `true` stops taking work. */
  readonly stopping?: () => boolean;
  /** Called for each item not run: `deferred` past `max`, `stopped` (the item the stop met). */
  readonly onSkipped?: (item: T, why: 'deferred' | 'stopped') => void;
  /** Called as each task starts. */
  readonly onStarted?: (item: T) => void;
}

/** What the pool did: started tasks, deferred items, and whether it read the whole stream. */
export interface BoundedPoolResult {
  readonly started: number;
  readonly deferred: number;
  /** `false` when `stopping()` ended the run before the stream did. */
  readonly complete: boolean;
}

/** Runs `task` over `items` as {@link BoundedPoolOptions} say. A task should not throw. */
export async function runBounded<T>(
  items: AsyncIterable<T>,
  task: (item: T) => Promise<void>,
  options: BoundedPoolOptions<T>,
): Promise<BoundedPoolResult> {
  const concurrency = Math.max(1, options.concurrency);
  const max = options.max ?? Number.POSITIVE_INFINITY;
  const inFlight = new Set<Promise<void>>();
  let started = 0;
  let deferred = 0;
  let complete = true;
  try {
    for await (const item of items) {
      if (options.stopping?.()) {
        complete = false;
        options.onSkipped?.(item, 'stopped');
        break;
      }
      if (started >= max) {
        deferred++;
        options.onSkipped?.(item, 'deferred');
        continue;
      }
      started++;
      options.onStarted?.(item);
      const running = task(item).finally(() => inFlight.delete(running));
      inFlight.add(running);
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
    }
  } finally {
    await Promise.allSettled(inFlight);
  }
  return { started, deferred, complete };
}
