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
import type { Downloader } from './downloader.js';
import { DownloadFailedError } from './errors.js';
import { runBounded } from './bounded-pool.js';
import { finishSync, type SyncCounts } from './sync-finish.js';
import { classifyFailure } from './failure.js';
import type { Shard } from './shard.js';
import { planSync, type SyncWork } from './sync-plan-step.js';
import type { MalformedLine } from './malformed-lines.js';
import { storedDigest } from './stored-digest.js';

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
  const started = performance.now();
  const { store, state, lock, downloader, metrics } = options;
  const emit = options.onEvent ?? (() => undefined);
  const { dl, head, cursor, report, work } = await planSync(options, emit);
  const { shard } = options;

  const failures = new Map<string, FailedVersion>();
  const counts: SyncCounts = {
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
  const drain = new AbortController();
  const storeLimit = Math.max(1, options.storeFailureLimit ?? 5);
  let storeFailuresInARow = 0;
  let storeDown = false;
  const stopping = () => options.signal?.aborted === true || lock.signal.aborted || storeDown;
  const onLockLost = () => drain.abort(lock.signal.reason);
  lock.signal.addEventListener('abort', onLockLost, { once: true });
  let drainTimer: NodeJS.Timeout | undefined;
  const onStop = () => {
    emit({
      type: 'log',
      level: 'warn',
      message: 'stop requested: no new downloads; waiting for those in flight',
      fields: { drain_ms: options.drainMs ?? 30_000 },
    });
    // The reason is never read: an abandoned download is told apart by `drain.signal.aborted`.
    drainTimer = setTimeout(() => drain.abort(), options.drainMs ?? 30_000);
  };
  options.signal?.addEventListener('abort', onStop, { once: true });

  const one = async (item: SyncWork): Promise<void> => {
    const id = key(item);
    const crate = { name: item.name, version: item.version, cksum: item.cksum };
    let replace = item.replace === true;
    try {
      if (item.checkStore && (await store.has(crate))) {
        counts.already++;
        return;
      }
      if (item.reread) {
        const stored = await storedDigest(store, crate, { signal: drain.signal });
        if (stored.sha256 === item.cksum) {
          counts.already++;
          return;
        }
        replace = true;
        counts.damaged++;
        emit({
          type: 'log',
          level: 'warn',
          message: `${id}: the stored copy (${stored.bytes} bytes, sha256 ${stored.sha256 ?? 'none'}) is not the index's: downloading it again`,
          fields: { crate: item.name, version: item.version, bytes: stored.bytes },
        });
      }
      lock.assertHeld();
      const url = downloadUrl({ dl }, { name: item.name, vers: item.version, cksum: item.cksum });
      const result = await downloader.download(url, crate, store, drain.signal, { replace });
      if (item.retry) counts.retried++;
      storeFailuresInARow = 0;
      if (result.outcome === 'stored') {
        counts.downloaded++;
        counts.bytes += result.bytes;
        metrics?.downloaded(result.bytes);
      } else counts.already++;
    } catch (error) {
      if (drain.signal.aborted || lock.signal.aborted) {
        // Abandoned: nothing stored; a retry entry stays as it was, the plan finds the rest again.
        if (item.retry) failures.set(id, item.retry);
        return;
      }
      const failure = classifyFailure(
        error instanceof DownloadFailedError ? error.lastError : error,
      );
      const attempts = error instanceof DownloadFailedError ? error.attempts : 1;
      const now = new Date().toISOString();
      failures.set(id, {
        ...crate,
        // Read back and failed (to read, or to download again): the stored copy stays suspect.
        ...(item.reread ? { damaged: true as const } : {}),
        code: failure.code,
        reason: failure.message.slice(0, 500),
        attempts: (item.retry?.attempts ?? 0) + attempts,
        firstFailedAt: item.retry?.firstFailedAt ?? now,
        lastFailedAt: now,
      });
      counts.failed++;
      metrics?.failed(failure.reason);
      storeFailuresInARow = failure.reason === 'store' ? storeFailuresInARow + 1 : 0;
      if (storeFailuresInARow >= storeLimit && !storeDown) {
        storeDown = true;
        emit({
          type: 'log',
          level: 'error',
          message: `${storeLimit} store failures in a row: no new downloads this run (the store ${store.location} looks unavailable)`,
          fields: { store: store.location, code: failure.code },
        });
      }
      emit({
        type: 'log',
        level: 'warn',
        message: `${id} failed: ${failure.message}`,
        fields: {
          crate: item.name,
          version: item.version,
          reason: failure.reason,
          code: failure.code,
        },
      });
    } finally {
      counts.done++;
      emit({
        type: 'progress',
        done: counts.done,
        queued: counts.queued,
        downloaded: counts.downloaded,
        failed: counts.failed,
        bytes: counts.bytes,
      });
    }
  };

  // At most `concurrency` in flight; the plan is read only as fast as work drains. A retry entry
  // that does not run this time (deferred, or met by a stop) stays on the retry list as it was.
  let planComplete = true;
  try {
    const pool = await runBounded(work, one, {
      concurrency: options.concurrency ?? 8,
      ...(options.maxSessionCrates !== undefined ? { max: options.maxSessionCrates } : {}),
      stopping,
      onStarted: () => void counts.queued++,
      onSkipped: (item, why) => {
        if (why === 'deferred') counts.deferred++;
        if (item.retry) failures.set(key(item), item.retry);
      },
    });
    planComplete = pool.complete;
  } finally {
    clearTimeout(drainTimer);
    options.signal?.removeEventListener('abort', onStop);
    lock.signal.removeEventListener('abort', onLockLost);
  }
  lock.assertHeld();

  return finishSync({
    report,
    failures,
    counts,
    interrupted: !planComplete || options.signal?.aborted === true,
    storeDown,
    head,
    cursor,
    shard,
    started,
    state,
    lock,
    ...(metrics ? { metrics } : {}),
    ...(options.snapshots && !shard ? { snapshots: options.snapshots } : {}),
    emit,
  });
}
