/**
 * The exit statuses every service command line uses (documented in each `--help` and the README):
 * 0 done; 1 done, but some work failed or was deferred (recorded, picked up by the next run) or the
 * run was stopped; 2 bad configuration or input; 3 another runner holds the lock.
 */
export const ExitCode = {
  Ok: 0,
  PartialFailure: 1,
  BadInput: 2,
  Locked: 3,
} as const;

/** One of {@link ExitCode}'s values. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Error codes of the shared libraries that mean "fix your input". */
export const BAD_INPUT_CODES: ReadonlySet<string> = new Set([
  'CONFIG_INVALID',
  'INDEX_CRATE_NAME_INVALID',
  'INDEX_CONFIG_INVALID',
  'INDEX_SOURCE_INVALID',
  'INDEX_REVISION_UNKNOWN',
  'STORE_URL_INVALID',
  'METADATA_URL_INVALID',
  // An s3:// or etcd:// backend whose SDK is not installed: fix the installation.
  'STORE_SDK_MISSING',
]);

/**
 * Maps an error to the exit status by its stable `code`: `LOCK_HELD` is 3, the bad-input codes
 * (the shared ones plus the app's own) are 2, anything else 1.
 */
export function exitCodeFor(error: unknown, appBadInput: Iterable<string> = []): ExitCode {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'LOCK_HELD') return ExitCode.Locked;
  if (typeof code === 'string' && (BAD_INPUT_CODES.has(code) || new Set(appBadInput).has(code)))
    return ExitCode.BadInput;
  return ExitCode.PartialFailure;
}
