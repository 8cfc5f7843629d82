/**
 * The base of every `@lcs/*` error class, after isomorphic-git's `BaseError` and undici's
 * `UndiciError`: each lib keeps its own subclass with its own codes, and this class holds what
 * they share, so that a caller classifies any of them by `kind` without knowing a code string.
 *
 * Used by: every lib's `errors.ts`; `@lcs/cli-kit`'s `exitCodeFor`.
 */

/**
 * How a caller treats an error, whatever its code: `bad-input` (fix the input or configuration; a
 * retry fails the same way), `transient` (a retry may succeed), `conflict` (another runner holds or
 * changed what this one needs), `bug` (an invariant of ours broke).
 */
export type ErrorKind = 'bad-input' | 'transient' | 'conflict' | 'bug';

/** An error with a stable `code`, the offending `input` and its classification. */
export abstract class LcsError<Code extends string = string> extends Error {
  /** Stable machine-readable code; each lib declares its own (a union per lib). */
  readonly code: Code;
  /** The offending input: a path, URL, crate version, flag or key. */
  readonly input: string;
  /** Its classification ({@link ErrorKind}); each lib derives it from the code. */
  readonly kind: ErrorKind;

  /**
   * @param code the lib's code
   * @param input the offending input
   * @param kind the code's classification (each lib keeps a table of them)
   * @param message the human-readable message
   * @param options `cause`, as for `Error`
   */
  protected constructor(
    code: Code,
    input: string,
    kind: ErrorKind,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.input = input;
    this.kind = kind;
  }
}
