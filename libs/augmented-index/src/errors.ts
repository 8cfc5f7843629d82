/**
 * Errors thrown by `@lcs/augmented-index`: a stable `code`, the offending input and `cause`.
 */

/** Stable error codes of this library. */
export type AugmentedIndexErrorCode = 'AUGMENTED_REPO_INVALID' | 'AUGMENTED_GIT_FAILED';

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
