import type { IndexLineError } from '../errors.js';
import { isYanked } from '../entry/index-entry.js';
import { parseIndexFile } from '../entry/index-file.js';
import type { ScannableIndexSource } from '../sources/index-source.js';

/** What a full scan found. */
export interface IndexStats {
  readonly crates: number;
  readonly versions: number;
  readonly yanked: number;
  /** Lines skipped for a newer format version. */
  readonly unsupported: number;
  /** Bytes of index files read. */
  readonly bytes: number;
  /** Number of malformed lines. */
  readonly lineErrors: number;
  /** The first malformed lines (at most `maxErrors`), each naming file and line. */
  readonly errors: IndexLineError[];
}

/** Options of {@link indexStats}. */
export interface IndexStatsOptions {
  /** How many malformed lines to keep for reporting (all are counted). Default 20. */
  readonly maxErrors?: number;
  /** Called after each crate file with the running totals. */
  readonly onProgress?: (stats: IndexStats) => void;
  /** Stops the scan early when aborted; the totals so far are returned. */
  readonly signal?: AbortSignal;
}

/** Scans every crate file of `source` and counts crates, versions, yanked versions and malformed lines. */
export async function indexStats(
  source: ScannableIndexSource,
  options: IndexStatsOptions = {},
): Promise<IndexStats> {
  const maxErrors = options.maxErrors ?? 20;
  const stats = {
    crates: 0,
    versions: 0,
    yanked: 0,
    unsupported: 0,
    bytes: 0,
    lineErrors: 0,
    errors: [] as IndexLineError[],
  };
  for await (const raw of source.files()) {
    const file = parseIndexFile(raw.path, raw.content);
    stats.crates++;
    stats.bytes += raw.content.length;
    stats.versions += file.entries.length;
    stats.unsupported += file.unsupported;
    stats.lineErrors += file.errors.length;
    for (const entry of file.entries) if (isYanked(entry)) stats.yanked++;
    for (const error of file.errors) if (stats.errors.length < maxErrors) stats.errors.push(error);
    options.onProgress?.(stats);
    if (options.signal?.aborted) break;
  }
  return stats;
}
