/**
 * The backfiller's exit statuses, in one place (as the fetcher's; documented in `--help` and the
 * README). 0: done; 1: done, but some versions were deferred or skipped (crate not in the store
 * yet) or the run was stopped; 2: bad configuration or input; 3: another backfiller holds the lock.
 */
export const ExitCode = {
  Ok: 0,
  PartialFailure: 1,
  BadInput: 2,
  Locked: 3,
} as const;

/** One of {@link ExitCode}'s values. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

const BAD_INPUT = new Set([
  'CONFIG_INVALID',
  'INDEX_CONFIG_INVALID',
  'INDEX_SOURCE_INVALID',
  'INDEX_REVISION_UNKNOWN',
  'STORE_URL_INVALID',
  'METADATA_URL_INVALID',
  'AUGMENTED_REPO_INVALID',
]);

/** Maps an error thrown by the run to the exit status. */
export function exitCodeFor(error: unknown): ExitCode {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && BAD_INPUT.has(code)) return ExitCode.BadInput;
  if (code === 'LOCK_HELD') return ExitCode.Locked;
  return ExitCode.PartialFailure;
}
