/**
 * One backfiller run (the design's seven steps, after the repositories are located): join every
 * crate file of the original index with the augmented one, generate the entries that are missing,
 * invalid, stale (cksum changed) or of an older schema from the crates in the store, drop entries
 * whose version left the index, write the files that changed, and commit once.
 *
 * Memory stays bounded whatever the index size: files are processed in path order through a
 * window of `concurrency` files, and only the set of crate file paths is kept (for deletions).
 */
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readCrateManifest } from '@lcs/cargo-manifest';
import {
  mapOrdered,
  scanIndex,
  type IndexFile,
  type ScannableIndexSource,
} from '@lcs/index-reader';
import { formatEntry, type AugmentedEntry } from './augmented-entry.js';
import type { AugmentedRepo, Author } from './augmented-repo.js';
import { entryFromCrate, errorEntry } from './entry-from-crate.js';
import { joinFile } from './join.js';

/** Largest `.crate` read (crates.io's own limit is 10 MB; a few crates got exceptions). */
const MAX_CRATE_BYTES = 256 * 1024 * 1024;

/** Where the backfiller reads crates: the LCS crate store (only `get` is needed). */
export interface CrateSource {
  get(ref: { name: string; version: string }): Promise<AsyncIterable<Uint8Array> | undefined>;
}

/** Counters the backfiller reports (implemented by `BackfillerMetrics` of `@lcs/metrics`). */
export interface BackfillRecorder {
  written(entries?: number): void;
  failed(reason: string): void;
  skipped(entries?: number): void;
}

/** Options of {@link backfill}. */
export interface BackfillOptions {
  readonly original: ScannableIndexSource;
  readonly repo: AugmentedRepo;
  readonly crates: CrateSource;
  readonly author: Author;
  /** Crate files read in parallel (default 8). */
  readonly concurrency?: number;
  /** Most entries generated this run; the rest waits for the next run. */
  readonly maxCrates?: number;
  /** Stop taking work; what is written so far is committed. */
  readonly signal?: AbortSignal;
  readonly recorder?: BackfillRecorder;
  readonly onProgress?: (progress: {
    files: number;
    processed: number;
    written: number;
    failed: number;
    skipped: number;
  }) => void;
  readonly onLog?: (
    level: 'info' | 'warn',
    message: string,
    fields?: Record<string, unknown>,
  ) => void;
  /** Original index commit, for the commit message. */
  readonly originalCommit?: string;
}

/** What a run did; `--json` prints it. */
export interface BackfillSummary {
  /** Entries generated (written + failed). */
  processed: number;
  /** Entries written from a readable crate. */
  written: number;
  /** Entries written with an `error` (crate unreadable). */
  failed: number;
  /** Versions skipped because the crate is not in the store yet. */
  skipped: number;
  /** Augmented lines dropped (version or crate gone from the original index). */
  dropped: number;
  /** Versions left for a later run by `maxCrates` or a stop. */
  deferred: number;
  files_changed: number;
  commit: string | null;
  interrupted: boolean;
  duration_s: number;
}

/** Runs one backfill and commits when something changed. */
export async function backfill(options: BackfillOptions): Promise<BackfillSummary> {
  const started = performance.now();
  const { repo, crates, recorder } = options;
  const log = options.onLog ?? (() => undefined);
  const summary: BackfillSummary = {
    processed: 0,
    written: 0,
    failed: 0,
    skipped: 0,
    dropped: 0,
    deferred: 0,
    files_changed: 0,
    commit: null,
    interrupted: false,
    duration_s: 0,
  };
  const seen = new Set<string>();
  let budget = options.maxCrates ?? Number.POSITIVE_INFINITY;
  let files = 0;

  const generate = async (
    name: string,
    vers: string,
    cksum: string,
    previous: Record<string, unknown> | undefined,
  ): Promise<AugmentedEntry | undefined> => {
    const stream = await crates.get({ name, version: vers });
    if (!stream) {
      summary.skipped++;
      recorder?.skipped();
      return undefined;
    }
    // The whole file is read first (crates are MBs, and one per file in flight): its digest is then
    // exact, and the body is released at once. The store key has no digest in it: a copy stored
    // before the index re-published this version differs from the index cksum. It is not this
    // version; it is skipped until the fetcher replaces it.
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      for await (const chunk of stream) {
        size += chunk.byteLength;
        if (size > MAX_CRATE_BYTES) break;
        chunks.push(chunk);
      }
    } finally {
      (stream as { destroy?: () => void }).destroy?.();
    }
    const bytes = Buffer.concat(chunks);
    if (size <= MAX_CRATE_BYTES && createHash('sha256').update(bytes).digest('hex') !== cksum) {
      summary.skipped++;
      recorder?.skipped();
      log(
        'warn',
        `${name}@${vers}: the stored copy does not match the index cksum (re-published?); skipped until the fetcher replaces it`,
        { crate: name, version: vers },
      );
      return undefined;
    }
    try {
      if (size > MAX_CRATE_BYTES) {
        throw Object.assign(new Error(`${name}-${vers}.crate is over ${MAX_CRATE_BYTES} bytes`), {
          code: 'CRATE_TOO_LARGE',
        });
      }
      const crate = await readCrateManifest(bytes, { name, version: vers });
      summary.processed++;
      summary.written++;
      recorder?.written();
      return entryFromCrate({ name, vers, cksum }, crate, previous);
    } catch (error) {
      // A crate cargo would refuse is recorded with its error; anything else is our failure.
      const code = (error as { code?: unknown }).code;
      if (typeof code !== 'string' || !/^(CRATE_|MANIFEST_)/.test(code)) throw error;
      summary.processed++;
      summary.failed++;
      recorder?.failed(
        ['CRATE_GZIP_BOMB', 'CRATE_MANIFEST_TOO_LARGE', 'CRATE_TOO_LARGE'].includes(code)
          ? 'too_large'
          : 'invalid_crate',
      );
      log('warn', `${name}@${vers}: ${(error as Error).message}`, {
        crate: name,
        version: vers,
        code,
      });
      return errorEntry({ name, vers, cksum }, error as Error, previous);
    }
  };

  // Each file is joined, generated and written inside the parallel window (its bytes depend only
  // on its inputs, so the order of writes does not matter); the loop below only counts.
  const processFile = async (file: IndexFile): Promise<boolean> => {
    const before = await repo.read(file.path);
    const versions = file.entries.map((e) => ({ name: e.name, vers: e.vers, cksum: e.cksum }));
    const joined = joinFile(versions, before);
    summary.dropped += joined.dropped;
    const lines: string[] = [];
    for (const slot of joined.slots) {
      if ('keep' in slot) {
        lines.push(slot.keep);
        continue;
      }
      if (budget <= 0 || options.signal?.aborted) {
        summary.deferred++;
        continue;
      }
      budget--;
      const entry = await generate(
        slot.version.name,
        slot.version.vers,
        slot.version.cksum,
        slot.previous,
      );
      if (entry) lines.push(formatEntry(entry));
    }
    const text = lines.length ? `${lines.join('\n')}\n` : undefined;
    if (text === before) return false;
    if (text === undefined) await repo.remove(file.path);
    else await repo.write(file.path, text);
    return true;
  };

  const results = mapOrdered(
    scanIndex(options.original),
    options.concurrency ?? 8,
    async (file) => {
      seen.add(file.path);
      return options.signal?.aborted ? undefined : processFile(file);
    },
  );
  for await (const result of results) {
    files++;
    if (options.signal?.aborted) {
      summary.interrupted = true;
      break;
    }
    if (result) summary.files_changed++;
    if (files % 500 === 0)
      options.onProgress?.({
        files,
        processed: summary.processed,
        written: summary.written,
        failed: summary.failed,
        skipped: summary.skipped,
      });
  }

  // Crate files of the augmented index whose crate left the original index.
  if (!summary.interrupted) {
    for (const path of await crateFiles(repo.dir)) {
      if (seen.has(path)) continue;
      summary.dropped += ((await repo.read(path)) ?? '').split('\n').filter(Boolean).length;
      await repo.remove(path);
      summary.files_changed++;
    }
  }

  const message = [
    `ais: ${summary.written} written, ${summary.failed} unreadable, ${summary.dropped} dropped, ${summary.skipped} not in store`,
    '',
    options.originalCommit
      ? `original index: ${options.originalCommit}`
      : 'original index: (directory)',
  ].join('\n');
  log('info', 'committing', { files_changed: summary.files_changed });
  summary.commit = await repo.commit(message, options.author);
  summary.duration_s = Number(((performance.now() - started) / 1000).toFixed(3));
  return summary;
}

/** Crate file paths of a work tree in index layout (README, config and dot files excluded). */
async function crateFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    if (
      entry.name.startsWith('.') ||
      (!prefix && ['README.md', 'config.json'].includes(entry.name))
    )
      continue;
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await crateFiles(dir, path)));
    else if (!entry.name.endsWith('.tmp')) out.push(path);
  }
  return out;
}
