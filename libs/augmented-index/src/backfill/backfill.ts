/**
 * One backfiller run: join the crate files of the original index that need it (see
 * {@link planBackfill}) with the augmented ones, generate the fields each line lacks (all of them
 * for a missing, invalid or stale line; the fields added or raised otherwise), reading each crate
 * at most once and only for crate fields, drop entries whose version left the index, and commit
 * with the progress reached.
 *
 * Cost follows the work: an incremental run reads only the changed and pending files. Memory stays
 * bounded at any index size: files go through a window of `concurrency`, changed files are written
 * as blobs at once, and only paths are kept. Long runs commit checkpoints, so a killed run loses at
 * most one checkpoint's work; the repository is valid at every instant.
 */
import { parseIndexFile, type IndexFile, type ScannableIndexSource } from '@lcs/index-reader';
import { mapOrdered } from '@lcs/internal';
import { AUGMENTED_SCHEMA, formatEntry } from '../entry/augmented-entry.js';
import type { AugmentedRepo } from '../repo/augmented-repo.js';
import {
  planBackfill,
  type BackfillPlan,
  type OriginalCommit,
  type RecordedState,
} from './backfill-plan.js';
import type { Author } from '../git/commit-writer.js';
import {
  failureReason,
  generateEntry,
  needsCrate,
  type CrateParser,
  type CrateSource,
} from '../entry/entry-generator.js';
import { joinFile, type Slot } from '../entry/join.js';
import { FieldSet } from '../fields/field-set.js';
import { Overrides, OVERRIDES_PATH } from '../overrides/overrides.js';
import { crateFilePaths } from '../drift/crate-file-paths.js';

export type { CrateSource, CrateParser } from '../entry/entry-generator.js';
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

/**
 * A crate read's weight against a checkpoint, in lines generated without one: an index-only line
 * costs about 65 µs (135 s for 2 M lines, measured) against about 3 ms for a crate read (366
 * crates/s from a filesystem store).
 */
const READ_UNITS = 64;

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
  /** Most crates read this run; the rest waits (pending) for the next run. Index fields are not counted. */
  readonly maxCrates?: number;
  /**
   * Crate reads between checkpoint commits (default 20,000). A line generated from its index line
   * alone counts 1/64 of a read, about its share of the cost: a checkpoint bounds
   * the work a killed run loses, and an index-only field over 2 M lines is a minute of work, not
   * 100 commits.
   */
  readonly checkpointEntries?: number;
  /** Parses a crate (default: in this thread). */
  readonly parse?: CrateParser;
  /** The fields to write (default: the built-in fields; see `loadFieldModules`). */
  readonly fields?: FieldSet;
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
  /** Entries written (from a readable crate, or index fields alone). */
  written: number;
  /** Crates read from the store. */
  crates_read: number;
  /** Field values that failed (recorded in the line's `field_errors`). */
  field_errors: number;
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
  return new Backfill(options).run();
}

/** A slot of a joined file that needs an entry generated. */
type GenerateSlot = Exclude<Slot, { keep: string }>;

/**
 * One backfill's state, in named steps: `run` (plan, then `joinChanged` or `joinAll`), each file
 * `joinOne`, each slot to generate `generate`, and `commit` (checkpoints and the final one).
 */
class Backfill {
  readonly #o: BackfillOptions;
  readonly #log: NonNullable<BackfillOptions['onLog']>;
  readonly #started = performance.now();
  /** The original commit this run joins up to (`null` for an index without commits). */
  readonly #target: string | null;
  readonly #checkpointEvery: number;
  #state!: RecordedState;
  readonly #fields: FieldSet;
  /** The operator's overrides at the branch's commit. */
  #overrides: Overrides = Overrides.none;
  #plan!: BackfillPlan;
  #summary!: BackfillSummary;
  /** Entries this run may still generate (`maxCrates`). */
  #budget: number;
  /** Files joined completely (nothing left for a later run). */
  readonly #done = new Set<string>();
  /** Files joined with work left. */
  readonly #incomplete = new Set<string>();
  #sinceCheckpoint = 0;
  /** A full join's file count, counted beside the join (for the progress's share and ETA). */
  #total: number | undefined;

  constructor(options: BackfillOptions) {
    this.#o = options;
    this.#log = options.onLog ?? (() => undefined);
    this.#target = options.originalCommit?.oid ?? null;
    this.#checkpointEvery = (options.checkpointEntries ?? 20_000) * READ_UNITS;
    this.#budget = options.maxCrates ?? Number.POSITIVE_INFINITY;
    this.#fields = options.fields ?? new FieldSet();
  }

  /** Plans the join from the recorded progress, runs it, and says what it did. */
  async run(): Promise<BackfillSummary> {
    const o = this.#o;
    this.#state = await o.repo.state();
    // Read and checked before anything is written: an invalid file stops the run (bad input).
    this.#overrides = Overrides.parse(await o.repo.read(OVERRIDES_PATH));
    const plan = (this.#plan = await planBackfill(
      this.#state,
      o.originalCommit,
      o.full ?? false,
      this.#fields,
      this.#overrides,
    ));
    this.#summary = {
      mode: plan.mode,
      mode_reason: plan.mode === 'full' ? plan.reason : null,
      files_joined: 0,
      processed: 0,
      written: 0,
      crates_read: 0,
      field_errors: 0,
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
    this.#log('info', plan.mode === 'full' ? `full join: ${plan.reason}` : 'incremental join', {
      mode: plan.mode,
      ...(plan.mode === 'incremental' ? { since: plan.since, files: plan.paths.length } : {}),
    });
    if (plan.mode === 'incremental') await this.joinChanged(plan.paths);
    else await this.joinAll();
    this.#summary.duration_s = Number(((performance.now() - this.#started) / 1000).toFixed(3));
    return this.#summary;
  }

  /** An incremental join: the changed and pending files, read from the original by path. */
  async joinChanged(paths: readonly string[]): Promise<void> {
    const { original, signal } = this.#o;
    const summary = this.#summary;
    const work = mapOrdered(paths, this.#o.concurrency ?? 8, async (path) => {
      if (signal?.aborted) return false;
      const content = await original.readFile(path);
      await this.joinOne(path, content === undefined ? undefined : parseIndexFile(path, content));
      return true;
    });
    const notDone = () => paths.filter((p) => !this.#done.has(p));
    for await (const joined of work) {
      if (joined) summary.files_joined++;
      if (signal?.aborted) break;
      if (summary.files_joined % 500 === 0) this.#progress(paths.length);
      if (this.#sinceCheckpoint >= this.#checkpointEvery)
        await this.commit(this.#target, notDone(), false);
    }
    summary.interrupted = signal?.aborted ?? false;
    const pending = notDone();
    summary.pending_files = pending.length;
    this.#log('info', 'committing', {
      files_changed: summary.files_changed,
      pending_files: pending.length,
    });
    await this.commit(this.#target, pending, true);
  }

  /** A full join: every file of the original, then the files of crates that left it. */
  async joinAll(): Promise<void> {
    const { original, repo, signal } = this.#o;
    const summary = this.#summary;
    const counting = this.#countFiles();
    const seen = new Set<string>();
    const work = mapOrdered(original.files(), this.#o.concurrency ?? 8, async (raw) => {
      seen.add(raw.path);
      if (signal?.aborted) return false;
      await this.joinOne(raw.path, parseIndexFile(raw.path, raw.content));
      return true;
    });
    for await (const joined of work) {
      if (joined) summary.files_joined++;
      if (signal?.aborted) break;
      if (summary.files_joined % 500 === 0) this.#progress(this.#total);
      // A full join's checkpoints record no original commit: the next run joins everything again,
      // keeping what this one wrote.
      if (this.#sinceCheckpoint >= this.#checkpointEvery) await this.commit(null, [], false);
    }
    summary.interrupted = signal?.aborted ?? false;
    await counting;
    if (!summary.interrupted) {
      // Crate files of the augmented index whose crate left the original index.
      for await (const path of repo.crateFiles()) {
        if (seen.has(path)) continue;
        summary.dropped += ((await repo.read(path)) ?? '').split('\n').filter(Boolean).length;
        await repo.write(path, undefined);
        summary.files_changed++;
      }
    }
    summary.pending_files = this.#incomplete.size;
    this.#log('info', 'committing', {
      files_changed: summary.files_changed,
      pending_files: this.#incomplete.size,
    });
    await this.commit(
      summary.interrupted ? null : this.#target,
      summary.interrupted ? [] : this.#incomplete,
      true,
    );
  }

  /** Joins one crate file with its augmented lines, generates what is missing, stages the result. */
  async joinOne(path: string, file: IndexFile | undefined): Promise<void> {
    const { repo, signal } = this.#o;
    const before = await repo.read(path);
    const joined = joinFile(file?.entries ?? [], before, this.#fields, this.#overrides);
    this.#summary.dropped += joined.dropped;
    const lines: string[] = [];
    let left = false;
    for (const slot of joined.slots) {
      if ('keep' in slot) {
        lines.push(slot.keep);
        continue;
      }
      // Only crate reads count against `maxCrates`: index fields are generated whatever is left.
      const crate = needsCrate(slot.fields);
      if (signal?.aborted || (crate && this.#budget <= 0)) {
        this.#summary.deferred++;
        left = true;
        if (slot.line !== undefined) lines.push(slot.line);
        continue;
      }
      if (crate) this.#budget--;
      const { line, done } = await this.generate(slot);
      if (!done) left = true;
      if (line !== undefined) lines.push(line);
    }
    const text = lines.length ? `${lines.join('\n')}\n` : undefined;
    if (text !== before) {
      await repo.write(path, text);
      this.#summary.files_changed++;
    }
    (left ? this.#incomplete : this.#done).add(path);
  }

  /**
   * Generates one slot's fields: its new line (`undefined`: none), and whether the version is done
   * (`false` when its crate is not in the store yet, so its file stays pending).
   */
  async generate(slot: GenerateSlot): Promise<{ line: string | undefined; done: boolean }> {
    const { crates, recorder, parse } = this.#o;
    const summary = this.#summary;
    const result = await generateEntry(
      crates,
      {
        index: slot.index,
        ...(slot.previous ? { previous: slot.previous } : {}),
        fresh: slot.need !== 'fields' && slot.need !== 'overrides',
        fields: slot.fields,
        overrides: slot.overrides,
      },
      this.#fields,
      parse,
    );
    const { name, vers } = slot.index;
    if (result.kind === 'missing' || result.kind === 'stale') {
      summary.skipped++;
      recorder?.skipped();
      if (result.kind === 'stale')
        this.#log(
          'warn',
          `${name}@${vers}: the stored copy does not match the index cksum (re-published?); skipped until the fetcher replaces it`,
          { crate: name, version: vers },
        );
      return { line: result.entry ? formatEntry(result.entry) : slot.line, done: false };
    }
    summary.processed++;
    this.#sinceCheckpoint += result.kind === 'failed' || result.crateRead ? READ_UNITS : 1;
    if (result.kind === 'written') {
      summary.written++;
      if (result.crateRead) summary.crates_read++;
      summary.field_errors += result.fieldErrors;
      recorder?.written();
    } else {
      summary.failed++;
      summary.crates_read++;
      recorder?.failed(failureReason(result.code));
      this.#log('warn', `${name}@${vers}: ${result.message}`, {
        crate: name,
        version: vers,
        code: result.code,
      });
    }
    return { line: formatEntry(result.entry), done: true };
  }

  /** Commits what is staged with the progress reached: a checkpoint, or the run's last commit. */
  async commit(original: string | null, pending: Iterable<string>, final: boolean): Promise<void> {
    const { repo } = this.#o;
    const summary = this.#summary;
    const full = this.#plan.mode === 'full';
    // Writing a large commit takes a moment: say so, a silent pause reads as a hang.
    if (repo.staged() > 0 || final)
      this.#log('info', final ? 'committing' : 'checkpoint: committing', { files: repo.staged() });
    const oid = await repo.commit(
      `ais: ${summary.written} written, ${summary.failed} unreadable, ${summary.dropped} dropped, ${summary.skipped} not in store\n\noriginal index: ${this.#target ?? '(directory)'}`,
      this.#o.author,
      {
        original,
        pending: [...pending],
        // Every file these overrides name is joined by this run or listed as pending, so the next
        // run revisits only what changes after them.
        overrides: this.#overrides.applied() ?? null,
        // A completed full join leaves every line with every field of the set, but for the pending
        // files (revisited by the next run): the next run plans from these versions.
        ...(final && full && !summary.interrupted
          ? { schema: AUGMENTED_SCHEMA, fields: this.#fields.versions }
          : {}),
      },
      // A completed full join records its commit even when no file changed, so the next run is incremental.
      { force: final && full && !summary.interrupted && this.#state.original !== original },
    );
    this.#sinceCheckpoint = 0;
    if (oid) {
      summary.commits++;
      summary.commit = oid;
    }
  }

  /**
   * Counts the original's crate files from its trees alone, no blob read (measured: 0.23 s for
   * the 31,839 files of the 2019 index, so about 1.5 s at 200,000), while the join runs, so a long
   * full join shows a total and an ETA.
   */
  async #countFiles(): Promise<void> {
    const commit = this.#o.originalCommit;
    if (!commit) return;
    let count = 0;
    try {
      const paths = crateFilePaths(commit.store, commit.oid);
      while (!(await paths.next()).done) {
        count++;
        if (this.#o.signal?.aborted) return;
      }
      this.#total = count;
    } catch {
      // The progress goes on without a total.
    }
  }

  #progress(total?: number): void {
    const s = this.#summary;
    this.#o.onProgress?.({
      files: s.files_joined,
      ...(total !== undefined ? { total } : {}),
      processed: s.processed,
      written: s.written,
      failed: s.failed,
      skipped: s.skipped,
    });
  }
}
