/**
 * Errors thrown by `@lcs/index-reader`. Every class carries a stable `code` that callers (and the
 * apps' exit-code mapping) switch on, the offending input, and the underlying `cause` when there is one.
 * Expected absence (a crate that is not in the index) is `undefined`, never an error.
 */
import { LcsError, type ErrorKind } from '@lcs/internal';

export type { ErrorKind };

/** Stable error codes of this library. */
export type IndexReaderErrorCode =
  | 'INDEX_CRATE_NAME_INVALID'
  | 'INDEX_LINE_INVALID'
  | 'INDEX_CONFIG_INVALID'
  | 'INDEX_SOURCE_INVALID'
  | 'INDEX_REVISION_UNKNOWN'
  | 'INDEX_SOURCE_FAILED';

/** The kind of each code: a code added without one fails to compile. */
const KINDS = {
  INDEX_CRATE_NAME_INVALID: 'bad-input',
  INDEX_LINE_INVALID: 'bad-input',
  INDEX_CONFIG_INVALID: 'bad-input',
  INDEX_SOURCE_INVALID: 'bad-input',
  INDEX_REVISION_UNKNOWN: 'bad-input',
  INDEX_SOURCE_FAILED: 'transient',
} as const satisfies Record<IndexReaderErrorCode, ErrorKind>;

/** Base class of every error this library throws. */
export class IndexReaderError extends LcsError<IndexReaderErrorCode> {
  /** The input that was refused (a name, a path, a URL, a line). */
  declare readonly input: string;

  constructor(code: IndexReaderErrorCode, input: string, message: string, options?: ErrorOptions) {
    super(code, input, KINDS[code], message, options);
  }
}

/** A crate name that crates.io would not accept, or that could escape the index directory. */
export class InvalidCrateNameError extends IndexReaderError {
  /** Why the name was refused. */
  readonly reason: string;

  constructor(input: string, reason: string) {
    super(
      'INDEX_CRATE_NAME_INVALID',
      input,
      `invalid crate name ${JSON.stringify(input)}: ${reason}`,
    );
    this.reason = reason;
  }
}

/**
 * Why an index line was refused, as a bounded value (a metrics label, a column of a report):
 * not JSON; JSON that is not an index entry; a name crates.io would refuse; a name whose file is
 * another one; a version that is not semver.
 */
export type IndexLineProblem =
  'not_json' | 'invalid_entry' | 'invalid_name' | 'wrong_file' | 'invalid_version';

/** One line of an index file that is not valid JSON or does not match the index schema. */
export class IndexLineError extends IndexReaderError {
  /** Path of the index file, relative to the index root (e.g. `se/rd/serde`). */
  readonly file: string;
  /** 1-based line number inside that file. */
  readonly line: number;
  /** What is wrong with it, as a bounded value. */
  readonly problem: IndexLineProblem;

  /** `options.problem` defaults to `invalid_entry`. */
  constructor(
    file: string,
    line: number,
    text: string,
    reason: string,
    options?: ErrorOptions & { readonly problem?: IndexLineProblem },
  ) {
    super('INDEX_LINE_INVALID', text, `${file}:${line}: ${reason}`, options);
    this.file = file;
    this.line = line;
    this.problem = options?.problem ?? 'invalid_entry';
  }
}

/** A `config.json` that is missing its `dl` field or is not JSON. */
export class IndexConfigError extends IndexReaderError {
  constructor(input: string, reason: string, options?: ErrorOptions) {
    super('INDEX_CONFIG_INVALID', input, `invalid index config.json: ${reason}`, options);
  }
}

/** A source specification (path, URL) that cannot be opened as an index. */
export class IndexSourceInvalidError extends IndexReaderError {
  constructor(input: string, reason: string, options?: ErrorOptions) {
    super(
      'INDEX_SOURCE_INVALID',
      input,
      `cannot open index ${JSON.stringify(input)}: ${reason}`,
      options,
    );
  }
}

/** Reading from a source failed (git object missing, git process died, HTTP error). */
export class IndexSourceError extends IndexReaderError {
  constructor(input: string, reason: string, options?: ErrorOptions) {
    super(
      'INDEX_SOURCE_FAILED',
      input,
      `index source ${JSON.stringify(input)}: ${reason}`,
      options,
    );
  }
}

/** A git revision (`--rev`, a commit id) that the repository does not have. */
export class UnknownRevisionError extends IndexReaderError {
  /** The repository that was asked. */
  readonly gitdir: string;

  constructor(rev: string, gitdir: string, options?: ErrorOptions) {
    super(
      'INDEX_REVISION_UNKNOWN',
      rev,
      `unknown revision ${JSON.stringify(rev)} in ${gitdir}`,
      options,
    );
    this.gitdir = gitdir;
  }
}
