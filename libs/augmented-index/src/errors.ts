/**
 * Errors thrown by `@lcs/augmented-index`: a stable `code`, the offending input and `cause`.
 */

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
  | 'AUGMENTED_OPTIONS_INVALID';

/** Codes that mean "fix the input": the CLIs exit 2 on them. */
export const AUGMENTED_BAD_INPUT_CODES: readonly AugmentedIndexErrorCode[] = [
  'AUGMENTED_REPO_INVALID',
  'AUGMENTED_REPO_FOREIGN',
  'AUGMENTED_REPO_DIRTY',
  'AUGMENTED_OPTIONS_INVALID',
];

/** The augmented index repository cannot be opened, cloned, committed or pushed. */
export class AugmentedIndexError extends Error {
  /** Stable machine-readable code. */
  readonly code: AugmentedIndexErrorCode;
  /** The directory or URL. */
  readonly input: string;

  constructor(
    code: AugmentedIndexErrorCode,
    input: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.input = input;
  }
}
