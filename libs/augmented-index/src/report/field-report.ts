/**
 * A report across the whole augmented index, per field: lines holding its current version, lines
 * behind (absent or of a lower version), its errors by code; and the crates that could not be
 * read, by code. Fields a line records that the run's set does not know (another team's module,
 * not loaded here) are listed apart. Nothing is written.
 *
 * Cost at crates.io's size (2 M lines in 200,000 files): every file of the commit is read once
 * through a window of `concurrency`; memory holds the window and one counter per field and code.
 */
import { mapOrdered } from '@lcs/internal';
import { INDEX_MISMATCH_KINDS } from '../cargo-checks/index-mismatch.js';
import type { AugmentedLines } from '../drift/drift-check.js';
import { parseEntry } from '../entry/augmented-entry.js';
import { FieldSet } from '../fields/field-set.js';

/** Options of {@link reportFields}. */
export interface FieldReportOptions {
  readonly lines: AugmentedLines;
  /** The fields to report on (default: the built-in fields). */
  readonly fields?: FieldSet;
  /** Crate files read in parallel (default 8). */
  readonly concurrency?: number;
  /** Stop reading; the report covers what was read. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: { readonly files: number; readonly lines: number }) => void;
}

/** One field across the index. */
export interface FieldCounts {
  /** The field's version in this run's set; `null` for a field the set does not know. */
  readonly version: number | null;
  /** Lines holding that version (or, for an unknown field, recording it at all). */
  current: number;
  /** Lines without it, or holding a lower version: the next run generates it there. */
  behind: number;
  /** Lines recording a higher version than the set's (written by a newer module). */
  ahead: number;
  /** Lines where it failed, by error code. */
  readonly errors: Record<string, number>;
  /** Lines whose value an operator set (`.ais/overrides.json`). */
  overridden: number;
}

/** What {@link reportFields} found; `ais-backfiller report --json` prints it. */
export interface FieldReport {
  files: number;
  lines: number;
  /** Lines that are not a valid entry. */
  invalid: number;
  /** Crates that could not be read at all (the line's `error`), by code. */
  readonly unreadable: Record<string, number>;
  /** Per field of the set, in generation order, then fields only lines know, sorted. */
  readonly fields: Record<string, FieldCounts>;
  /**
   * The `index_mismatch` field of `@lcs/augmented-index/cargo-checks`, wherever lines hold it
   * (loaded or not): lines listing any disagreement, and per kind the lines listing one of that
   * kind. A kind this library does not know (a line edited by hand) counts as `other`.
   */
  readonly index_mismatch: { lines: number; readonly kinds: Record<string, number> };
  interrupted: boolean;
  duration_s: number;
}

/** Reads every line of the augmented index and counts, per field, what it holds. */
export async function reportFields(options: FieldReportOptions): Promise<FieldReport> {
  const set = options.fields ?? new FieldSet();
  const started = performance.now();
  const report: FieldReport = {
    files: 0,
    lines: 0,
    invalid: 0,
    unreadable: {},
    fields: Object.fromEntries(
      set.fields.map((f) => [
        f.name,
        { version: f.version, current: 0, behind: 0, ahead: 0, errors: {}, overridden: 0 },
      ]),
    ),
    index_mismatch: { lines: 0, kinds: {} },
    interrupted: false,
    duration_s: 0,
  };
  const kinds = new Set<string>(INDEX_MISMATCH_KINDS);
  const unknown = new Map<string, FieldCounts>();
  const count = (text: string) => {
    for (const line of text.split('\n')) {
      if (line === '') continue;
      report.lines++;
      const entry = parseEntry(line);
      if (!entry) {
        report.invalid++;
        continue;
      }
      if (entry.error) bump(report.unreadable, entry.error.code);
      const recorded = set.recorded(entry);
      for (const field of set.fields) {
        const counts = report.fields[field.name] as FieldCounts;
        const held = recorded[field.name] ?? 0;
        if (held === field.version) counts.current++;
        else if (held > field.version) counts.ahead++;
        else counts.behind++;
      }
      for (const name of Object.keys(recorded)) {
        if (set.has(name)) continue;
        let counts = unknown.get(name);
        if (!counts)
          unknown.set(
            name,
            (counts = {
              version: null,
              current: 0,
              behind: 0,
              ahead: 0,
              errors: {},
              overridden: 0,
            }),
          );
        counts.current++;
      }
      for (const name of Object.keys(entry.overrides ?? {})) {
        const counts = report.fields[name] ?? unknown.get(name);
        if (counts) counts.overridden++;
      }
      for (const [name, error] of Object.entries(entry.field_errors ?? {})) {
        const counts = report.fields[name] ?? unknown.get(name);
        if (counts) bump(counts.errors, error.code);
      }
      const mismatches = (entry as Record<string, unknown>)['index_mismatch'];
      if (Array.isArray(mismatches) && mismatches.length > 0) {
        report.index_mismatch.lines++;
        const seen = new Set<string>();
        for (const m of mismatches as Array<{ kind?: unknown } | null>) {
          const kind = typeof m?.kind === 'string' && kinds.has(m.kind) ? m.kind : 'other';
          if (!seen.has(kind)) bump(report.index_mismatch.kinds, kind);
          seen.add(kind);
        }
      }
    }
  };
  const { signal } = options;
  const work = mapOrdered(options.lines.crateFiles(), options.concurrency ?? 8, async (path) =>
    signal?.aborted ? undefined : ((await options.lines.read(path)) ?? ''),
  );
  for await (const text of work) {
    if (text === undefined) break;
    report.files++;
    count(text);
    if (report.files % 1000 === 0)
      options.onProgress?.({ files: report.files, lines: report.lines });
  }
  report.interrupted = signal?.aborted ?? false;
  for (const name of [...unknown.keys()].sort())
    report.fields[name] = unknown.get(name) as FieldCounts;
  report.duration_s = Number(((performance.now() - started) / 1000).toFixed(3));
  return report;
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}
