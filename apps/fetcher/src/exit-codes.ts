/**
 * The fetcher's exit statuses, in one place (documented in `--help` and the README).
 * 0: done; 1: done, but some work failed (recorded, retried next run); 2: bad configuration or input;
 * 3: another fetcher holds the lock.
 */
export const ExitCode = {
  Ok: 0,
  PartialFailure: 1,
  BadInput: 2,
  Locked: 3,
} as const;

/** One of {@link ExitCode}'s values. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Error codes (from the libraries and from config parsing) that mean "fix your input". */
const BAD_INPUT = new Set([
  'CONFIG_INVALID',
  'INVALID_CRATE_NAME',
  'INDEX_CONFIG_INVALID',
  'INDEX_SOURCE_INVALID',
  'INDEX_REVISION_UNKNOWN',
  'INDEX_NOT_SCANNABLE',
  'STORE_URL_INVALID',
  'METADATA_URL_INVALID',
  'METADATA_CORRUPT',
]);

/** Maps an error thrown by a command to the exit status. */
export function exitCodeFor(error: unknown): ExitCode {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && BAD_INPUT.has(code)) return ExitCode.BadInput;
  if (code === 'LOCK_HELD') return ExitCode.Locked;
  return ExitCode.PartialFailure;
}
