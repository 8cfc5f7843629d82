/**
 * Errors of `@lcs/cli-kit`: a stable `code` (one of {@link CliKitErrorCode}) and the offending input.
 */

/** Stable error codes of this library. */
export type CliKitErrorCode = 'CONFIG_INVALID' | 'STOP_REQUESTED';

/**
 * How a caller treats an error, whatever its code: `bad-input` (fix the input or configuration; a
 * retry fails the same way), `transient` (a retry may succeed), `conflict` (another runner holds or
 * changed what this one needs), `bug` (an invariant of ours broke). Every lib's errors carry one as
 * `kind`; {@link exitCodeFor} maps it to the exit status.
 */
export type ErrorKind = 'bad-input' | 'transient' | 'conflict' | 'bug';

const KINDS = {
  CONFIG_INVALID: 'bad-input',
  STOP_REQUESTED: 'transient',
} as const satisfies Record<CliKitErrorCode, ErrorKind>;

/** Base class of every error this library throws. */
export class CliKitError extends Error {
  /** Stable machine-readable code. */
  readonly code: CliKitErrorCode;
  /** The flag, variable or signal concerned. */
  readonly input: string;
  /** Its classification ({@link ErrorKind}), from its code. */
  readonly kind: ErrorKind;

  constructor(code: CliKitErrorCode, input: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.input = input;
    this.kind = KINDS[code];
  }
}

/** Thrown for a bad flag or environment variable; names the offending input (exit status 2). */
export class ConfigError extends CliKitError {
  declare readonly code: 'CONFIG_INVALID';

  constructor(input: string, message: string) {
    super('CONFIG_INVALID', input, message);
  }
}

/** The abort reason of `stopSignal`'s signal: which signal asked the job to stop. */
export class StopRequestedError extends CliKitError {
  declare readonly code: 'STOP_REQUESTED';

  constructor(readonly signal: NodeJS.Signals) {
    super('STOP_REQUESTED', signal, `stopped by ${signal}`);
  }
}
