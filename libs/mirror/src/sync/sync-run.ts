/**
 * One sync run of the Local Crate Service: plan, download with bounded concurrency, record
 * failures for retry, and move the cursor only past work that is done or recorded.
 *
 * Guarantees:
 * - the cursor moves to the new index commit only when every planned version is stored or on the
 *   retry list (never with work deferred by `maxSessionCrates` or by a stop signal);
 * - a failure is never dropped: it stays on the retry list, with its attempts and reason, until a
 *   later run stores it or the index deletes the version;
 * - on `signal`, no new work starts; downloads in flight get `drainMs` to finish, then are aborted
 *   without a trace (the store's puts are atomic), progress is saved and the run ends `interrupted`;
 * - when the lock is lost, in-flight work is aborted and nothing more is written.
 */
import type { CrateStore, RunnerLock } from '@lcs/crate-store';
import type { FailedVersion, SyncStateStore } from './sync-state.js';
import type { SnapshotRecorder } from './sync-finish.js';
import { downloadUrl, type ScannableIndexSource } from '@lcs/index-reader';
import type { FetcherMetrics } from '@lcs/metrics';
import type { Downloader } from '../download/downloader.js';
import { DownloadFailedError } from '../errors.js';
import { runBounded } from './bounded-pool.js';
import { finishSync, type SyncCounts } from './sync-finish.js';
import { classifyFailure } from '../download/failure.js';
import type { Shard } from '../shard/index.js';
import { planSync, type SyncPlan, type SyncWork } from './sync-plan-step.js';
import type { MalformedLine } from './malformed-lines.js';
import { storedDigest } from '../verify/stored-digest.js';

/** Options of {@link runSync}. */
export interface SyncOptions {
  readonly source: ScannableIndexSource;
  readonly store: CrateStore;
  readonly state: SyncStateStore;
  readonly lock: RunnerLock;
  readonly downloader: Downloader;
  readonly metrics?: FetcherMetrics;
  /**
   * Where each index commit the run leaves mirrored is recorded (`SnapshotHistory` of
   * `@lcs/snapshot`); an unsharded run records, a shard does not (one shard is not the registry).
   */
  readonly snapshots?: SnapshotRecorder;
  /** Downloads in flight (default 8). */
  readonly concurrency?: number;
  /** Most downloads this run (the design's `max_session_crates`); the rest waits for the next run. */
  readonly maxSessionCrates?: number;
  /** Ignore the cursor and compare the whole index with the store. */
  readonly full?: boolean;
  /**
   * A full plan that also reads back every stored version it lists and hashes it: a copy whose
   * bytes are not the index's (truncated by a full disk under an older release, rotted, overwritten)
   * is downloaded again and replaced once the new body is verified. Reads the whole store.
   */
  readonly reread?: boolean;
  /**
   * Mirror only this shard's crates (see `shardOf`). `state` and `lock` must then be the shard's
   * own (`shardStateName`), so shards run at once without sharing a cursor or retry list.
   */
  readonly shard?: Shard;
  /** Download URL template replacing the index's `dl` (a closer mirror of the same registry). */
  readonly dl?: string;
  /**
   * A temporary file of another host untouched for this long is a killed put's, and the run's start
   * removes it (default 10 min); a dead process's of this host goes at once. Give at least twice the
   * longest pause a live download may make (the idle timeout) and the lock's lease.
   */
  readonly staleTempMs?: number;
  /** Stop taking work (SIGTERM). */
  readonly signal?: AbortSignal;
  /** How long in-flight downloads may finish after `signal`, ms (default 30 s). */
  readonly drainMs?: number;
  /**
   * Consecutive store failures after which the run stops taking work and ends `failed` (default 5):
   * downloading more while the store is down only wastes the registry's bandwidth.
   */
  readonly storeFailureLimit?: number;
  readonly onEvent?: (event: SyncEvent) => void;
}

/** Progress and log events, for a TTY line or JSON logs. */
export type SyncEvent =
  | {
      readonly type: 'progress';
      readonly done: number;
      readonly queued: number;
      readonly downloaded: number;
      readonly failed: number;
      readonly bytes: number;
    }
  | {
      readonly type: 'log';
      readonly level: 'info' | 'warn' | 'error';
      readonly message: string;
      readonly fields?: Record<string, unknown>;
    };

/** How a run ended; `failed`: the store kept failing and the run stopped taking work. */
export type SyncStatus = 'ok' | 'partial' | 'interrupted' | 'failed';

/** The run summary; `--json` prints it as the last stdout line. */
export interface SyncSummary {
  readonly status: SyncStatus;
  readonly mode: 'full' | 'incremental';
  /** `I/N` for a sharded run, `null` otherwise. */
  readonly shard: string | null;
  readonly index_commit: string | null;
  readonly previous_commit: string | null;
  readonly cursor_moved: boolean;
  readonly scanned_crates: number;
  readonly scanned_versions: number;
  readonly missing: number;
  readonly downloaded: number;
  readonly already_stored: number;
  readonly failed: number;
  readonly retried: number;
  readonly retry_list: number;
  readonly deferred: number;
  readonly bytes: number;
  readonly yank_changes: number;
  readonly deleted_versions: number;
  readonly malformed_lines: number;
  /** Stored copies that `reread` found not to be the index's bytes (replaced, or on the retry list). */
  readonly damaged: number;
  /** The first malformed lines, named (see `malformed_lines` for how many there were). */
  readonly malformed: readonly MalformedLine[];
  readonly duration_s: number;
}

const key = (item: { name: string; version: string }) => `${item.name}@${item.version}`;

/** Runs one sync. Throws `LockLostError` when the lock was lost, config and store errors as they come. */
export async function runSync(options: SyncOptions): Promise<SyncSummary> {
  return new Sync(options).run();
}

/**
 * One sync's state, in named steps: `run` (plan, then `download` the work through a bounded pool,
 * then `finishSync`), each version `syncVersion`, a failure `recordFailure`, a stop `onStop`.
 */
class Sync {
  readonly #o: SyncOptions;
  readonly #emit: (event: SyncEvent) => void;
  readonly #started = performance.now();
  readonly #failures = new Map<string, FailedVersion>();
  readonly #counts: SyncCounts = {
    downloaded: 0,
    already: 0,
    failed: 0,
    retried: 0,
    bytes: 0,
    deferred: 0,
    done: 0,
    queued: 0,
    damaged: 0,
  };
  /** Aborts the downloads in flight: on a lost lock, or when a stop's drain period is over. */
  readonly #drain = new AbortController();
  readonly #storeLimit: number;
  #storeFailuresInARow = 0;
  #storeDown = false;
  #drainTimer: NodeJS.Timeout | undefined;
  #dl = '';

  constructor(options: SyncOptions) {
    this.#o = options;
    this.#emit = options.onEvent ?? (() => undefined);
    this.#storeLimit = Math.max(1, options.storeFailureLimit ?? 5);
  }

  /** Plans, downloads what the plan yields, and records the outcome. */
  async run(): Promise<SyncSummary> {
    const { lock, signal, state, metrics, shard } = this.#o;
    const plan: SyncPlan = await planSync(this.#o, this.#emit);
    this.#dl = plan.dl;
    const onLockLost = () => this.#drain.abort(lock.signal.reason);
    const onStop = () => this.onStop();
    lock.signal.addEventListener('abort', onLockLost, { once: true });
    signal?.addEventListener('abort', onStop, { once: true });
    let planComplete = true;
    try {
      planComplete = await this.download(plan.work);
    } finally {
      clearTimeout(this.#drainTimer);
      signal?.removeEventListener('abort', onStop);
      lock.signal.removeEventListener('abort', onLockLost);
    }
    lock.assertHeld();
    return finishSync({
      report: plan.report,
      failures: this.#failures,
      counts: this.#counts,
      interrupted: !planComplete || signal?.aborted === true,
      storeDown: this.#storeDown,
      head: plan.head,
      cursor: plan.cursor,
      shard,
      started: this.#started,
      state,
      lock,
      ...(metrics ? { metrics } : {}),
      ...(this.#o.snapshots && !shard ? { snapshots: this.#o.snapshots } : {}),
      emit: this.#emit,
    });
  }

  /**
   * At most `concurrency` in flight; the plan is read only as fast as work drains. A retry entry
   * that does not run this time (deferred, or met by a stop) stays on the retry list as it was.
   * Returns whether the whole plan ran.
   */
  async download(work: SyncPlan['work']): Promise<boolean> {
    const pool = await runBounded(work, (item) => this.syncVersion(item), {
      concurrency: this.#o.concurrency ?? 8,
      ...(this.#o.maxSessionCrates !== undefined ? { max: this.#o.maxSessionCrates } : {}),
      stopping: () => this.#stopping(),
      onStarted: () => void this.#counts.queued++,
      onSkipped: (item, why) => {
        if (why === 'deferred') this.#counts.deferred++;
        if (item.retry) this.#failures.set(key(item), item.retry);
      },
    });
    return pool.complete;
  }

  /** A stop: no new downloads; those in flight get the drain period, then are abandoned. */
  onStop(): void {
    const drainMs = this.#o.drainMs ?? 30_000;
    this.#emit({
      type: 'log',
      level: 'warn',
      message: 'stop requested: no new downloads; waiting for those in flight',
      fields: { drain_ms: drainMs },
    });
    // The reason is never read: an abandoned download is told apart by `drain.signal.aborted`.
    this.#drainTimer = setTimeout(() => this.#drain.abort(), drainMs);
  }

  #stopping(): boolean {
    return this.#o.signal?.aborted === true || this.#o.lock.signal.aborted || this.#storeDown;
  }

  /** One version: already stored, read back (`reread`), or downloaded through the verified put. */
  async syncVersion(item: SyncWork): Promise<void> {
    const { store, lock, downloader, metrics } = this.#o;
    const counts = this.#counts;
    const drain = this.#drain.signal;
    const crate = { name: item.name, version: item.version, cksum: item.cksum };
    let replace = item.replace === true;
    try {
      if (item.checkStore && (await store.has(crate))) {
        counts.already++;
        return;
      }
      if (item.reread) {
        const stored = await storedDigest(store, crate, { signal: drain });
        if (stored.sha256 === item.cksum) {
          counts.already++;
          return;
        }
        replace = true;
        counts.damaged++;
        this.#emit({
          type: 'log',
          level: 'warn',
          message: `${key(item)}: the stored copy (${stored.bytes} bytes, sha256 ${stored.sha256 ?? 'none'}) is not the index's: downloading it again`,
          fields: { crate: item.name, version: item.version, bytes: stored.bytes },
        });
      }
      lock.assertHeld();
      const url = downloadUrl(
        { dl: this.#dl },
        { name: item.name, vers: item.version, cksum: item.cksum },
      );
      const result = await downloader.download(url, crate, store, drain, { replace });
      if (item.retry) counts.retried++;
      this.#storeFailuresInARow = 0;
      if (result.outcome === 'stored') {
        counts.downloaded++;
        counts.bytes += result.bytes;
        metrics?.downloaded(result.bytes);
      } else counts.already++;
    } catch (error) {
      if (drain.aborted || lock.signal.aborted) {
        // Abandoned: nothing stored; a retry entry stays as it was, the plan finds the rest again.
        if (item.retry) this.#failures.set(key(item), item.retry);
        return;
      }
      this.recordFailure(item, error);
    } finally {
      counts.done++;
      this.#emit({
        type: 'progress',
        done: counts.done,
        queued: counts.queued,
        downloaded: counts.downloaded,
        failed: counts.failed,
        bytes: counts.bytes,
      });
    }
  }

  /** Puts a failed version on the retry list, counts it, and stops new work when the store is down. */
  recordFailure(item: SyncWork, error: unknown): void {
    const { store, metrics } = this.#o;
    const failure = classifyFailure(error instanceof DownloadFailedError ? error.lastError : error);
    const attempts = error instanceof DownloadFailedError ? error.attempts : 1;
    const now = new Date().toISOString();
    this.#failures.set(key(item), {
      name: item.name,
      version: item.version,
      cksum: item.cksum,
      // Read back and failed (to read, or to download again): the stored copy stays suspect.
      ...(item.reread ? { damaged: true as const } : {}),
      code: failure.code,
      reason: failure.message.slice(0, 500),
      attempts: (item.retry?.attempts ?? 0) + attempts,
      firstFailedAt: item.retry?.firstFailedAt ?? now,
      lastFailedAt: now,
    });
    this.#counts.failed++;
    metrics?.failed(failure.reason);
    this.#storeFailuresInARow = failure.reason === 'store' ? this.#storeFailuresInARow + 1 : 0;
    if (this.#storeFailuresInARow >= this.#storeLimit && !this.#storeDown) {
      this.#storeDown = true;
      this.#emit({
        type: 'log',
        level: 'error',
        message: `${this.#storeLimit} store failures in a row: no new downloads this run (the store ${store.location} looks unavailable)`,
        fields: { store: store.location, code: failure.code },
      });
    }
    this.#emit({
      type: 'log',
      level: 'warn',
      message: `${key(item)} failed: ${failure.message}`,
      fields: {
        crate: item.name,
        version: item.version,
        reason: failure.reason,
        code: failure.code,
      },
    });
  }
}
