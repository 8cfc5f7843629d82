/**
 * Errors of `@lcs/cli-kit`: a stable `code` (one of {@link CliKitErrorCode}) and the offending input.
 */

/** Stable error codes of this library. */
export type CliKitErrorCode = 'CONFIG_INVALID' | 'STOP_REQUESTED';

/** Thrown for a bad flag or environment variable; names the offending input (exit status 2). */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID' satisfies CliKitErrorCode;
  constructor(
    readonly input: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The abort reason of `stopSignal`'s signal: which signal asked the job to stop. */
export class StopRequestedError extends Error {
  /** Stable code. */
  readonly code = 'STOP_REQUESTED' satisfies CliKitErrorCode;

  constructor(readonly signal: NodeJS.Signals) {
    super(`stopped by ${signal}`);
    this.name = 'StopRequestedError';
  }
}
