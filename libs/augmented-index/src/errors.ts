/**
 * Errors thrown by `@lcs/augmented-index`: a stable `code`, the offending input and `cause`.
 */
import { LcsError, type ErrorKind } from '@lcs/internal';

export type { ErrorKind };

/** Stable error codes of this library. */
export type AugmentedIndexErrorCode =
  /** The location cannot be an augmented index (a URL without a clone directory, no remote). */
  | 'AUGMENTED_REPO_INVALID'
  /** The directory or remote holds something that is not an augmented index: it is left alone. */
  | 'AUGMENTED_REPO_FOREIGN'
  /** The work tree has changes the backfiller did not make: they are left alone. */
  | 'AUGMENTED_REPO_DIRTY'
  /** The branch moved under the run (another writer): nothing was overwritten. */
  | 'AUGMENTED_REPO_CONFLICT'
  /** The remote refused the push (it has commits this clone lacks). */
  | 'AUGMENTED_PUSH_REJECTED'
  /** A git operation failed (transfer, object database). */
  | 'AUGMENTED_GIT_FAILED'
  /** An option given to a function of this library is out of range (a sample outside (0, 1]). */
  | 'AUGMENTED_OPTIONS_INVALID'
  /** A crate-reading thread died, or the pool was closed with work queued. */
  | 'AUGMENTED_WORKER_FAILED'
  /** A field module cannot be loaded, or a field in it is not well-formed or takes a taken name. */
  | 'AUGMENTED_FIELD_INVALID'
  /** The operator's `.ais/overrides.json` is not valid: nothing is written until it is fixed. */
  | 'AUGMENTED_OVERRIDES_INVALID';

/** The kind of each code: a code added without one fails to compile. */
const KINDS = {
  AUGMENTED_REPO_INVALID: 'bad-input',
  AUGMENTED_REPO_FOREIGN: 'bad-input',
  AUGMENTED_REPO_DIRTY: 'bad-input',
  AUGMENTED_REPO_CONFLICT: 'conflict',
  AUGMENTED_PUSH_REJECTED: 'conflict',
  AUGMENTED_GIT_FAILED: 'transient',
  AUGMENTED_OPTIONS_INVALID: 'bad-input',
  AUGMENTED_WORKER_FAILED: 'transient',
  AUGMENTED_FIELD_INVALID: 'bad-input',
  AUGMENTED_OVERRIDES_INVALID: 'bad-input',
} as const satisfies Record<AugmentedIndexErrorCode, ErrorKind>;

/** The augmented index repository cannot be opened, cloned, committed or pushed. */
export class AugmentedIndexError extends LcsError<AugmentedIndexErrorCode> {
  /** The directory or URL. */
  declare readonly input: string;

  constructor(
    code: AugmentedIndexErrorCode,
    input: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(code, input, KINDS[code], message, options);
  }
}
