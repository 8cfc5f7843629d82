import { IndexLineError, type IndexLineProblem } from '../errors.js';
import { crateNameProblem } from './crate-name.js';
import { formatVersion, indexEntrySchema, isIndexEntry, type IndexEntry } from './index-entry.js';
import { indexPath } from './index-path.js';

/**
 * A version as crates.io accepts it (SemVer 2.0: https://semver.org/#backusnaur-form-grammar-for-valid-semver-versions),
 * lenient only on leading zeros, which early crates carry. It never holds `/`, `..` or spaces, so
 * a version cannot steer a download URL or a store key.
 */
const SEMVER =
  /^\d+\.\d+\.\d+(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/**
 * The highest index format version this reader understands; lines with a higher `v` are skipped,
 * as cargo does (`INDEX_V_MAX` in cargo/src/cargo/sources/registry/index/mod.rs).
 */
export const INDEX_FORMAT_VERSION_MAX = 2;

/** One crate's index file, parsed. */
export interface IndexFile {
  /** Path inside the index, e.g. `se/rd/serde`. The last segment is the lowercased crate name. */
  readonly path: string;
  /** Versions in file order (publication order). */
  readonly entries: IndexEntry[];
  /** Lines that could not be parsed, each naming the file and line; the rest of the file is still read. */
  readonly errors: IndexLineError[];
  /** Lines skipped because their format version `v` is newer than {@link INDEX_FORMAT_VERSION_MAX}. */
  readonly unsupported: number;
}

/**
 * Parses the bytes of one index file: one JSON object per line, blank lines ignored.
 * A malformed line becomes an {@link IndexLineError} in `errors` rather than an exception, so one
 * bad line never stops a scan.
 */
export function parseIndexFile(path: string, content: Buffer | string): IndexFile {
  return parseIndexLines(path, indexLines(content));
}

/** Parses already split lines of the file at `path` (see {@link indexLines}); same rules as {@link parseIndexFile}. */
export function parseIndexLines(path: string, lines: readonly IndexLine[]): IndexFile {
  const entries: IndexEntry[] = [];
  const errors: IndexLineError[] = [];
  let unsupported = 0;
  for (const { line, text } of lines) {
    const result = parseIndexLine(path, line, text);
    if (result instanceof IndexLineError) errors.push(result);
    else if (result === undefined) unsupported++;
    else entries.push(result);
  }
  return { path, entries, errors, unsupported };
}

/** One non-blank line of an index file and its 1-based number. */
export interface IndexLine {
  readonly line: number;
  readonly text: string;
}

/** The non-blank lines of an index file, trimmed, with their line numbers. */
export function indexLines(content: Buffer | string): IndexLine[] {
  const text = typeof content === 'string' ? content : content.toString('utf8');
  const lines: IndexLine[] = [];
  let start = 0;
  let line = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    line++;
    const trimmed = text.slice(start, end).trim();
    start = end + 1;
    if (trimmed.length > 0) lines.push({ line, text: trimmed });
  }
  return lines;
}

/**
 * Parses one line. Returns the entry, `undefined` for a line of an unsupported future format
 * version, or an {@link IndexLineError} describing what is wrong.
 */
export function parseIndexLine(
  path: string,
  lineNo: number,
  line: string,
): IndexEntry | IndexLineError | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (cause) {
    return new IndexLineError(path, lineNo, line, `not JSON: ${(cause as Error).message}`, {
      cause,
      problem: 'not_json',
    });
  }
  // Check `v` before the schema: a future format may change fields this schema requires.
  if (raw !== null && typeof raw === 'object' && formatVersion(raw) > INDEX_FORMAT_VERSION_MAX) {
    return undefined;
  }
  // The common case, a valid line, is checked by hand; the schema then only words what is wrong.
  let entry: IndexEntry;
  if (isIndexEntry(raw)) entry = raw;
  else {
    const parsed = indexEntrySchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      return new IndexLineError(
        path,
        lineNo,
        line,
        `${where}${issue?.message ?? 'invalid entry'}`,
        {
          cause: parsed.error,
          problem: 'invalid_entry',
        },
      );
    }
    entry = parsed.data;
  }
  const problem = identityProblem(path, entry);
  return problem
    ? new IndexLineError(path, lineNo, line, problem.reason, { problem: problem.problem })
    : entry;
}

/**
 * Why a line's `name` and `vers` cannot be the version it claims, or `undefined`. A line belongs in
 * the file cargo reads for its name (the path of the lowercased name): a line in another crate's file
 * would otherwise shadow the real one (https://doc.rust-lang.org/cargo/reference/registry-index.html#index-files).
 */
function identityProblem(
  path: string,
  entry: IndexEntry,
): { problem: IndexLineProblem; reason: string } | undefined {
  const nameProblem = crateNameProblem(entry.name);
  if (nameProblem)
    return {
      problem: 'invalid_name',
      reason: `name: ${JSON.stringify(entry.name)} is not a valid crate name (${nameProblem})`,
    };
  const expected = indexPath(entry.name);
  if (expected !== path)
    return {
      problem: 'wrong_file',
      reason: `name: ${JSON.stringify(entry.name)} does not belong in ${path} (its file is ${expected})`,
    };
  if (!SEMVER.test(entry.vers))
    return {
      problem: 'invalid_version',
      reason: `vers: ${JSON.stringify(entry.vers)} is not a semver version`,
    };
  return undefined;
}
