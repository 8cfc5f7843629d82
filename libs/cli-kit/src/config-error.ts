/** Thrown for a bad flag or environment variable; names the offending input (exit status 2). */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(
    readonly input: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}
