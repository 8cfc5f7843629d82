/**
 * `status`: what the mirror holds, read from the metadata store without taking the lock: the
 * cursor (index commit, its time, when it was mirrored), the retry list with reasons and attempts,
 * the last runs, the lock holder, whether a sync is wanted, and the newest recorded snapshot (with
 * how many are recorded). Like `kubectl get`, it reads only.
 */
import { openCrateStore, openMetadataStore } from '@lcs/crate-store';
import {
  SyncStateStore,
  VerifyStateStore,
  type FailedVersion,
  type VerifyCounts,
  type VerifyRecord,
  type IndexCursor,
  type RunRecord,
} from '@lcs/mirror';
import { formatShard, shardStateName } from '@lcs/mirror/shard';
import { SnapshotHistory, type SnapshotRecord } from '@lcs/snapshot/history';
import type { StatusConfig } from './config.js';
import { describeSyncWanted, SYNC_WANTED_KEY } from './sync-command.js';

/** The `status` report; `--json` prints it as one line. */
export interface StatusReport {
  readonly command: 'status';
  readonly metadata: string;
  readonly shard: string | null;
  readonly cursor: (IndexCursor & { readonly age_s: number | null }) | null;
  readonly lock_holder: string | null;
  readonly sync_wanted: unknown;
  readonly retry_list: readonly FailedVersion[];
  readonly runs: readonly RunRecord[];
  /**
   * The malformed index lines of the newest run that met any, by file (each run names its first
   * 20 and counts the rest); `null` when the recorded runs met none.
   */
  readonly malformed: {
    readonly finished_at: string;
    readonly count: number;
    readonly files: ReadonlyArray<{
      readonly file: string;
      readonly lines: ReadonlyArray<{ line: number; problem: string; reason: string }>;
    }>;
  } | null;
  /**
   * The last complete scrub (`verify`), and the one under way: where it stands and what it found.
   */
  readonly verify: {
    readonly last: VerifyRecord | null;
    readonly in_progress: {
      readonly started_at: string;
      readonly after: string;
      readonly counts: VerifyCounts;
    } | null;
  };
  /** The newest snapshot consumers read (unsharded syncs record them), and how many are kept. */
  readonly snapshots: { readonly latest: SnapshotRecord | null; readonly recorded: number };
}

/** Reads the fetcher's state (of one shard, with `--shard`). */
export async function runStatus(config: StatusConfig): Promise<StatusReport> {
  const metadata = openMetadataStore(config.metadata);
  try {
    const name = shardStateName('fetcher', config.shard);
    const store = openCrateStore(config.store);
    const state = new SyncStateStore({ metadata, objects: store, namespace: name });
    const history = new SnapshotHistory({ metadata, objects: store });
    const scrubs = new VerifyStateStore(metadata, name);
    const [cursor, failures, runs, holder, wanted, snapshots, lastVerify, scrub] =
      await Promise.all([
        state.cursor(),
        state.failures(),
        state.runs(),
        metadata.lockHolder(name),
        metadata.get(SYNC_WANTED_KEY),
        recordedSnapshots(history),
        scrubs.last(),
        scrubs.cursor(),
      ]);
    const committed = cursor?.committedAt ? Date.parse(cursor.committedAt) : Number.NaN;
    return {
      command: 'status',
      metadata: metadata.location,
      shard: config.shard ? formatShard(config.shard) : null,
      cursor: cursor
        ? {
            ...cursor,
            age_s: Number.isNaN(committed) ? null : Math.round((Date.now() - committed) / 1000),
          }
        : null,
      lock_holder: holder ?? null,
      sync_wanted: describeSyncWanted(wanted),
      retry_list: failures,
      runs: runs.slice(-5).reverse(),
      malformed: newestMalformed(runs),
      snapshots,
      verify: {
        last: lastVerify ?? null,
        in_progress: scrub
          ? { started_at: scrub.startedAt, after: scrub.after, counts: scrub.counts }
          : null,
      },
    };
  } finally {
    await metadata.close();
  }
}

/** The newest run's malformed lines, grouped by file; read as data (another writer may differ). */
function newestMalformed(runs: readonly RunRecord[]): StatusReport['malformed'] {
  const run = runs.findLast(
    (r) => Number((r as { malformed_lines?: unknown }).malformed_lines) > 0,
  );
  if (!run) return null;
  const listed = (run as { malformed?: unknown }).malformed;
  const files = new Map<string, Array<{ line: number; problem: string; reason: string }>>();
  for (const item of Array.isArray(listed) ? (listed as unknown[]) : []) {
    const { file, line, problem, reason } = (item ?? {}) as Record<string, unknown>;
    if (typeof file !== 'string' || typeof line !== 'number') continue;
    const lines = files.get(file) ?? [];
    lines.push({ line, problem: String(problem), reason: String(reason ?? '') });
    files.set(file, lines);
  }
  return {
    finished_at: run.finishedAt,
    count: Number((run as { malformed_lines?: unknown }).malformed_lines),
    files: [...files].map(([file, lines]) => ({ file, lines })),
  };
}

async function recordedSnapshots(history: SnapshotHistory): Promise<StatusReport['snapshots']> {
  let latest: SnapshotRecord | null = null;
  let recorded = 0;
  for await (const record of history.records()) {
    latest ??= record;
    recorded++;
  }
  return { latest, recorded };
}

/** The report as people read it: the cursor, the lock, the retry list (up to 20), the last runs. */
export function formatStatus(report: StatusReport): string {
  const lines: string[] = [];
  const c = report.cursor;
  lines.push(
    `cursor     ${c ? `${c.commit.slice(0, 12)} committed ${c.committedAt ?? '?'}${c.age_s === null ? '' : ` (${hours(c.age_s)} ago)`}, mirrored ${c.syncedAt}` : 'none yet (the next sync is a full one)'}`,
    `lock       ${report.lock_holder ? `held by ${report.lock_holder}` : 'free'}`,
    `retry list ${report.retry_list.length === 0 ? 'empty' : `${report.retry_list.length} versions`}`,
  );
  for (const f of report.retry_list.slice(0, 20))
    lines.push(
      `  ${`${f.name}@${f.version}`.padEnd(40)} ${f.code.padEnd(22)} ${f.attempts} attempts, last ${f.lastFailedAt}: ${f.reason.slice(0, 80)}`,
    );
  if (report.retry_list.length > 20)
    lines.push(`  ... and ${report.retry_list.length - 20} more (--json lists all)`);
  const bad = report.malformed;
  if (bad) {
    const named = bad.files.reduce((n, f) => n + f.lines.length, 0);
    lines.push(`malformed  ${bad.count} index lines in the run of ${bad.finished_at}`);
    for (const { file, lines: at } of bad.files)
      for (const l of at)
        lines.push(
          `  ${`${file}:${l.line}`.padEnd(40)} ${l.problem.padEnd(16)} ${l.reason.slice(0, 80)}`,
        );
    if (bad.count > named)
      lines.push(`  ... and ${bad.count - named} more (the run's logs count them by problem)`);
  }
  const snap = report.snapshots.latest;
  lines.push(
    `snapshot   ${snap ? `${snap.commit.slice(0, 12)} committed ${snap.committedAt}, mirrored ${snap.mirroredAt}${snap.missing ? `, ${snap.missing} on the retry list` : ''} (${report.snapshots.recorded} recorded)` : 'none recorded yet'}`,
  );
  const v = report.verify.last;
  const problems = (c: VerifyCounts) =>
    `${c.corrupt} corrupt, ${c.missing} missing, ${c.unreadable} unreadable, ${c.unexpected} unexpected${c.repaired || c.repair_failed ? `; ${c.repaired} repaired, ${c.repair_failed} repairs failed` : ''}`;
  lines.push(
    `verify     ${v ? `last complete ${v.finishedAt}${v.sample < 1 ? ` (sample ${v.sample})` : ''}: ${v.counts.checked} checked, ${problems(v.counts)}` : 'never completed'}`,
  );
  const scrub = report.verify.in_progress;
  if (scrub)
    lines.push(
      `  under way since ${scrub.started_at}, after ${scrub.after || '(start)'}: ${scrub.counts.checked} checked, ${problems(scrub.counts)}`,
    );
  lines.push(`last runs  ${report.runs.length === 0 ? 'none recorded' : ''}`.trimEnd());
  for (const run of report.runs) {
    const r = run as RunRecord & { downloaded?: number; failed?: number; duration_s?: number };
    lines.push(
      `  ${run.finishedAt}  ${run.status.padEnd(11)} ${r.downloaded ?? 0} downloaded, ${r.failed ?? 0} failed, ${(r.duration_s ?? 0).toFixed(1)} s`,
    );
  }
  return lines.join('\n');
}

function hours(seconds: number): string {
  return seconds < 5400 ? `${Math.round(seconds / 60)} min` : `${(seconds / 3600).toFixed(1)} h`;
}
