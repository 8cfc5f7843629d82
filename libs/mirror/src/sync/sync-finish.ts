/**
 * The finish step of a sync: the retry list and the cursor are saved (the list first, the cursor
 * only when every planned version is stored or listed), the run is recorded, and the summary and
 * metrics are made. Separate from the plan and the pool so its guarantees read in one place.
 */
import type { RunnerLock } from '@lcs/crate-store';
import type { GitCommitInfo } from '@lcs/index-reader';
import type { FetcherMetrics } from '@lcs/metrics';
import { formatShard, type Shard } from '../shard/index.js';
import type { MalformedReport } from './malformed-lines.js';
import type { PlanReport } from './sync-plan.js';
import type { SyncEvent, SyncStatus, SyncSummary } from './sync-run.js';
import type { FailedVersion, IndexCursor, SyncStateStore } from './sync-state.js';

/** What a run counted. */
export interface SyncCounts {
  downloaded: number;
  already: number;
  failed: number;
  retried: number;
  bytes: number;
  deferred: number;
  done: number;
  queued: number;
  /** Stored copies a reread found damaged. */
  damaged: number;
}

/**
 * Records the index commits a sync left mirrored: `SnapshotHistory` of `@lcs/snapshot` is one
 * (this interface keeps the mirror free of the snapshot reader's dependencies).
 */
export interface SnapshotRecorder {
  record(
    snapshot: {
      readonly commit: string;
      readonly committedAt: string;
      readonly mirroredAt: string;
      /** Versions left on the retry list. */
      readonly missing: number;
    },
    lock?: RunnerLock,
  ): Promise<void>;
}

/** Everything the finish step needs from the run. */
export interface FinishInput {
  readonly report: PlanReport;
  /** The retry list as the run leaves it, by `name@version`. */
  readonly failures: Map<string, FailedVersion>;
  readonly counts: SyncCounts;
  /** The plan was not read to its end (a stop, a lost lock, a failing store). */
  readonly interrupted: boolean;
  readonly storeDown: boolean;
  readonly head: GitCommitInfo | undefined;
  readonly cursor: IndexCursor | undefined;
  readonly shard: Shard | undefined;
  /** `performance.now()` when the run started. */
  readonly started: number;
  readonly state: SyncStateStore;
  readonly lock: RunnerLock;
  readonly metrics?: FetcherMetrics;
  readonly snapshots?: SnapshotRecorder;
  readonly emit: (event: SyncEvent) => void;
}

const key = (item: { name: string; version: string }) => `${item.name}@${item.version}`;

/** Saves progress and records the run; returns its summary. */
export async function finishSync(input: FinishInput): Promise<SyncSummary> {
  const { report, failures, counts, interrupted, storeDown, head, cursor, shard, started } = input;
  const { state, lock, metrics, emit } = input;
  // Retry entries whose version the index deleted are dropped and reported.
  for (const id of new Set(report.deletedVersions.map(key))) {
    if (failures.delete(id))
      emit({
        type: 'log',
        level: 'info',
        message: `${id} left the retry list: deleted from the index`,
      });
  }
  logMalformed(report.malformed, emit);
  const complete = !interrupted && counts.deferred === 0;
  const retryList = [...failures.values()];
  const moveCursor = complete && head !== undefined;
  const newCursor =
    moveCursor && head
      ? {
          commit: head.oid,
          committedAt: new Date(head.committedAt * 1000).toISOString(),
          syncedAt: new Date().toISOString(),
        }
      : undefined;
  await state.saveProgress(
    { failures: retryList, ...(newCursor ? { cursor: newCursor } : {}) },
    lock,
  );
  // After the cursor: a crash between the two leaves the commit unrecorded until the next run
  // (which finds nothing new and records it), never recorded ahead of its cursor.
  if (newCursor && input.snapshots)
    await input.snapshots.record(
      {
        commit: newCursor.commit,
        committedAt: newCursor.committedAt,
        mirroredAt: newCursor.syncedAt,
        missing: retryList.length,
      },
      lock,
    );

  const status: SyncStatus = storeDown
    ? 'failed'
    : interrupted
      ? 'interrupted'
      : retryList.length > 0 || counts.deferred > 0
        ? 'partial'
        : 'ok';
  const summary: SyncSummary = {
    status,
    mode: report.mode,
    shard: shard ? formatShard(shard) : null,
    index_commit: head?.oid ?? null,
    previous_commit: cursor?.commit ?? null,
    cursor_moved: moveCursor,
    scanned_crates: report.scannedCrates,
    scanned_versions: report.scannedVersions,
    missing: counts.deferred + retryList.length,
    downloaded: counts.downloaded,
    already_stored: counts.already,
    failed: counts.failed,
    retried: counts.retried,
    retry_list: retryList.length,
    deferred: counts.deferred,
    bytes: counts.bytes,
    yank_changes: report.yankChanges,
    deleted_versions: report.deletedVersions.length,
    malformed_lines: report.malformed.count,
    damaged: counts.damaged,
    malformed: report.malformed.samples,
    duration_s: Number(((performance.now() - started) / 1000).toFixed(3)),
  };
  await state.recordRun(
    {
      startedAt: new Date(Date.now() - summary.duration_s * 1000).toISOString(),
      finishedAt: new Date().toISOString(),
      ...summary,
    },
    lock,
  );

  if (metrics) {
    for (const [problem, n] of report.malformed.byProblem) metrics.malformedLines(problem, n);
    if (report.totals) metrics.indexTotals(report.totals.crates, report.totals.versions);
    metrics.backlog(summary.missing, retryList.length);
    const synced = newCursor ?? cursor;
    if (synced?.committedAt) metrics.indexCommitTime(new Date(synced.committedAt));
    metrics.finished(
      status === 'ok' ? 'success' : status === 'failed' ? 'failure' : 'partial',
      summary.duration_s,
    );
  }
  return summary;
}

/** One warning per kept malformed line (file, line, problem, excerpt), then one for the rest. */
function logMalformed(malformed: MalformedReport, emit: (event: SyncEvent) => void): void {
  for (const line of malformed.samples)
    emit({
      type: 'log',
      level: 'warn',
      message: `malformed index line ${line.file}:${line.line} (${line.problem}): ${line.reason}`,
      fields: { ...line },
    });
  const rest = malformed.count - malformed.samples.length;
  if (rest > 0)
    emit({
      type: 'log',
      level: 'warn',
      message: `${rest} more malformed index lines not shown (${malformed.count} in all)`,
      fields: {
        malformed_lines: malformed.count,
        by_problem: Object.fromEntries(malformed.byProblem),
      },
    });
}
