/**
 * Errors of `@lcs/cli-kit`: a stable `code` (one of {@link CliKitErrorCode}) and the offending input.
 */
import { LcsError, type ErrorKind } from '@lcs/internal';

export type { ErrorKind };

/** Stable error codes of this library. */
export type CliKitErrorCode = 'CONFIG_INVALID' | 'STOP_REQUESTED';

const KINDS = {
  CONFIG_INVALID: 'bad-input',
  STOP_REQUESTED: 'transient',
} as const satisfies Record<CliKitErrorCode, ErrorKind>;

/** Base class of every error this library throws. */
export class CliKitError extends LcsError<CliKitErrorCode> {
  /** The flag, variable or signal concerned. */
  declare readonly input: string;

  constructor(code: CliKitErrorCode, input: string, message: string, options?: ErrorOptions) {
    super(code, input, KINDS[code], message, options);
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
