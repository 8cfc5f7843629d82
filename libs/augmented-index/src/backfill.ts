/**
 * One backfiller run: join the crate files of the original index that need it (see
 * {@link planBackfill}) with the augmented ones, generate the entries that are missing, invalid,
 * stale (cksum changed) or of an older schema from the crates in the store, drop entries whose
 * version left the index, and commit with the progress reached.
 *
 * Cost follows the work: an incremental run reads only the changed and pending files. Memory stays
 * bounded at any index size: files go through a window of `concurrency`, changed files are written
 * as blobs at once, and only paths are kept. Long runs commit checkpoints, so a killed run loses at
 * most one checkpoint's work; the repository is valid at every instant.
 */
import { parseIndexFile, type IndexFile, type ScannableIndexSource } from '@lcs/index-reader';
import { mapOrdered } from '@lcs/index-reader/git';
import { AUGMENTED_SCHEMA, formatEntry } from './augmented-entry.js';
import type { AugmentedRepo } from './augmented-repo.js';
import { planBackfill, type OriginalCommit } from './backfill-plan.js';
import type { Author } from './commit-writer.js';
import {
  failureReason,
  generateEntry,
  type CrateParser,
  type CrateSource,
} from './entry-generator.js';
import { joinFile } from './join.js';

export type { CrateSource, CrateParser } from './entry-generator.js';
export type { OriginalCommit } from './backfill-plan.js';

/** Counters the backfiller reports (implemented by `BackfillerMetrics` of `@lcs/metrics`). */
export interface BackfillRecorder {
  written(entries?: number): void;
  failed(reason: string): void;
  skipped(entries?: number): void;
}

/** Progress of a run. */
export interface BackfillProgress {
  files: number;
  /** Files to join, when known (incremental runs). */
  total?: number;
  processed: number;
  written: number;
  failed: number;
  skipped: number;
}

/** Options of {@link backfill}. */
export interface BackfillOptions {
  readonly original: ScannableIndexSource;
  /** The original's commit, for incremental joins; absent for an index without commits. */
  readonly originalCommit?: OriginalCommit;
  readonly repo: AugmentedRepo;
  readonly crates: CrateSource;
  readonly author: Author;
  /** Join every crate file, whatever the recorded progress. */
  readonly full?: boolean;
  /** Crate files read in parallel (default 8). */
  readonly concurrency?: number;
  /** Most entries generated this run; the rest waits (pending) for the next run. */
  readonly maxCrates?: number;
  /** Entries generated between checkpoint commits (default 20,000). */
  readonly checkpointEntries?: number;
  /** Parses a crate (default: in this thread). */
  readonly parse?: CrateParser;
  /** Stop taking work; what is done so far is committed. */
  readonly signal?: AbortSignal;
  readonly recorder?: BackfillRecorder;
  readonly onProgress?: (progress: BackfillProgress) => void;
  readonly onLog?: (
    level: 'info' | 'warn',
    message: string,
    fields?: Record<string, unknown>,
  ) => void;
}

/** What a run did; `--json` prints it. */
export interface BackfillSummary {
  /** `full` or `incremental`, and why a full join ran. */
  mode: 'full' | 'incremental';
  mode_reason: string | null;
  /** Crate files joined. */
  files_joined: number;
  /** Entries generated (written + failed). */
  processed: number;
  /** Entries written from a readable crate. */
  written: number;
  /** Entries written with an `error` (crate unreadable or not the version named). */
  failed: number;
  /** Versions skipped because the crate is not in the store yet (or only a stale copy). */
  skipped: number;
  /** Augmented lines dropped (version or crate gone from the original index). */
  dropped: number;
  /** Versions left for a later run by `maxCrates` or a stop. */
  deferred: number;
  /** Crate files left pending for the next run. */
  pending_files: number;
  files_changed: number;
  /** Commits written (checkpoints included). */
  commits: number;
  /** The last commit written, or `null`. */
  commit: string | null;
  interrupted: boolean;
  duration_s: number;
}

/** Runs one backfill and commits when something changed. */
export async function backfill(options: BackfillOptions): Promise<BackfillSummary> {
  const started = performance.now();
  const { repo, crates, recorder } = options;
  const log = options.onLog ?? (() => undefined);
  const state = await repo.state();
  const plan = await planBackfill(state, options.originalCommit, options.full ?? false);
  const summary: BackfillSummary = {
    mode: plan.mode,
    mode_reason: plan.mode === 'full' ? plan.reason : null,
    files_joined: 0,
    processed: 0,
    written: 0,
    failed: 0,
    skipped: 0,
    dropped: 0,
    deferred: 0,
    pending_files: 0,
    files_changed: 0,
    commits: 0,
    commit: null,
    interrupted: false,
    duration_s: 0,
  };
  log('info', plan.mode === 'full' ? `full join: ${plan.reason}` : 'incremental join', {
    mode: plan.mode,
    ...(plan.mode === 'incremental' ? { since: plan.since, files: plan.paths.length } : {}),
  });
  let budget = options.maxCrates ?? Number.POSITIVE_INFINITY;
  const target = options.originalCommit?.oid ?? null;
  /** Files joined completely (nothing left for a later run). */
  const done = new Set<string>();
  /** Files joined with work left. */
  const incomplete = new Set<string>();
  let sinceCheckpoint = 0;

  const joinOne = async (path: string, file: IndexFile | undefined): Promise<void> => {
    const before = await repo.read(path);
    const joined = joinFile(file?.entries ?? [], before);
    summary.dropped += joined.dropped;
    const lines: string[] = [];
    let left = false;
    for (const slot of joined.slots) {
      if ('keep' in slot) {
        lines.push(slot.keep);
        continue;
      }
      if (budget <= 0 || options.signal?.aborted) {
        summary.deferred++;
        left = true;
        continue;
      }
      budget--;
      const result = await generateEntry(crates, slot.version, slot.previous, options.parse);
      const { name, vers } = slot.version;
      if (result.kind === 'missing' || result.kind === 'stale') {
        summary.skipped++;
        recorder?.skipped();
        left = true;
        if (result.kind === 'stale')
          log(
            'warn',
            `${name}@${vers}: the stored copy does not match the index cksum (re-published?); skipped until the fetcher replaces it`,
            { crate: name, version: vers },
          );
        continue;
      }
      summary.processed++;
      sinceCheckpoint++;
      if (result.kind === 'written') {
        summary.written++;
        recorder?.written();
      } else {
        summary.failed++;
        recorder?.failed(failureReason(result.code));
        log('warn', `${name}@${vers}: ${result.message}`, {
          crate: name,
          version: vers,
          code: result.code,
        });
      }
      lines.push(formatEntry(result.entry));
    }
    const text = lines.length ? `${lines.join('\n')}\n` : undefined;
    if (text !== before) {
      await repo.write(path, text);
      summary.files_changed++;
    }
    (left ? incomplete : done).add(path);
  };

  const message = () =>
    `ais: ${summary.written} written, ${summary.failed} unreadable, ${summary.dropped} dropped, ${summary.skipped} not in store\n\noriginal index: ${target ?? '(directory)'}`;
  const commit = async (
    original: string | null,
    pending: Iterable<string>,
    final: boolean,
  ): Promise<void> => {
    // Writing a large commit takes a moment: say so, a silent pause reads as a hang.
    if (repo.staged() > 0 || final)
      log('info', final ? 'committing' : 'checkpoint: committing', { files: repo.staged() });
    const oid = await repo.commit(
      message(),
      options.author,
      {
        original,
        pending: [...pending],
        ...(final && plan.mode === 'full' ? { schema: AUGMENTED_SCHEMA } : {}),
      },
      // A completed full join records its commit even when no file changed, so the next run is incremental.
      {
        force: final && plan.mode === 'full' && !summary.interrupted && state.original !== original,
      },
    );
    sinceCheckpoint = 0;
    if (oid) {
      summary.commits++;
      summary.commit = oid;
    }
  };
  const checkpointEvery = options.checkpointEntries ?? 20_000;
  const progress = (total?: number) =>
    options.onProgress?.({
      files: summary.files_joined,
      ...(total !== undefined ? { total } : {}),
      processed: summary.processed,
      written: summary.written,
      failed: summary.failed,
      skipped: summary.skipped,
    });

  if (plan.mode === 'incremental') {
    const readOriginal = async (path: string) => {
      const content = await options.original.readFile(path);
      return content === undefined ? undefined : parseIndexFile(path, content);
    };
    const work = mapOrdered(plan.paths, options.concurrency ?? 8, async (path) => {
      if (options.signal?.aborted) return false;
      await joinOne(path, await readOriginal(path));
      return true;
    });
    const notDone = () => plan.paths.filter((p) => !done.has(p));
    for await (const joined of work) {
      if (joined) summary.files_joined++;
      if (options.signal?.aborted) break;
      if (summary.files_joined % 500 === 0) progress(plan.paths.length);
      if (sinceCheckpoint >= checkpointEvery) await commit(target, notDone(), false);
    }
    summary.interrupted = options.signal?.aborted ?? false;
    const pending = notDone();
    summary.pending_files = pending.length;
    log('info', 'committing', {
      files_changed: summary.files_changed,
      pending_files: pending.length,
    });
    await commit(target, pending, true);
  } else {
    const seen = new Set<string>();
    const work = mapOrdered(options.original.files(), options.concurrency ?? 8, async (raw) => {
      seen.add(raw.path);
      if (options.signal?.aborted) return false;
      await joinOne(raw.path, parseIndexFile(raw.path, raw.content));
      return true;
    });
    for await (const joined of work) {
      if (joined) summary.files_joined++;
      if (options.signal?.aborted) break;
      if (summary.files_joined % 500 === 0) progress();
      // A full join's checkpoints record no original commit: the next run joins everything again,
      // keeping what this one wrote.
      if (sinceCheckpoint >= checkpointEvery) await commit(null, [], false);
    }
    summary.interrupted = options.signal?.aborted ?? false;
    if (!summary.interrupted) {
      // Crate files of the augmented index whose crate left the original index.
      for await (const path of repo.crateFiles()) {
        if (seen.has(path)) continue;
        summary.dropped += ((await repo.read(path)) ?? '').split('\n').filter(Boolean).length;
        await repo.write(path, undefined);
        summary.files_changed++;
      }
    }
    summary.pending_files = incomplete.size;
    log('info', 'committing', {
      files_changed: summary.files_changed,
      pending_files: incomplete.size,
    });
    await commit(summary.interrupted ? null : target, summary.interrupted ? [] : incomplete, true);
  }
  summary.duration_s = Number(((performance.now() - started) / 1000).toFixed(3));
  return summary;
}
