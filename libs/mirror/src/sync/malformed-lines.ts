/**
 * The malformed index lines a sync met, named: an operator has to find and report them upstream,
 * and a count alone says neither where nor why. A few are kept whole (file, line, problem, a short
 * excerpt); the rest are counted, so a broken index of millions of lines costs a bounded report.
 */
import type { IndexLineError, IndexLineProblem } from '@lcs/index-reader';

/** One malformed line as the summary, the logs and `status` show it. */
export interface MalformedLine {
  /** The index file, e.g. `se/rd/serde`. */
  readonly file: string;
  /** 1-based line number in that file. */
  readonly line: number;
  readonly problem: IndexLineProblem;
  /** What is wrong, as the reader said it. */
  readonly reason: string;
  /** The line's first {@link EXCERPT_CHARS} characters. */
  readonly excerpt: string;
}

/** Malformed lines kept whole per run; more are counted only. */
export const MALFORMED_SAMPLE_LIMIT = 20;
const EXCERPT_CHARS = 120;

/** What a plan saw of malformed lines. */
export interface MalformedReport {
  /** Every malformed line, counted. */
  count: number;
  /** The first {@link MALFORMED_SAMPLE_LIMIT}, in the order read. */
  readonly samples: MalformedLine[];
  /** Counts by problem (the metric's label). */
  readonly byProblem: Map<IndexLineProblem, number>;
}

/** An empty report. */
export function newMalformedReport(): MalformedReport {
  return { count: 0, samples: [], byProblem: new Map() };
}

/** Adds one file's malformed lines to `report`. */
export function noteMalformed(report: MalformedReport, errors: readonly IndexLineError[]): void {
  for (const error of errors) {
    report.count++;
    report.byProblem.set(error.problem, (report.byProblem.get(error.problem) ?? 0) + 1);
    if (report.samples.length >= MALFORMED_SAMPLE_LIMIT) continue;
    const prefix = `${error.file}:${error.line}: `;
    report.samples.push({
      file: error.file,
      line: error.line,
      problem: error.problem,
      reason: (error.message.startsWith(prefix)
        ? error.message.slice(prefix.length)
        : error.message
      ).slice(0, 200),
      excerpt: error.input.slice(0, EXCERPT_CHARS),
    });
  }
}
