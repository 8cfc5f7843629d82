/**
 * The exit statuses every service command line uses (documented in each `--help` and the README):
 * 0 done; 1 done, but some work failed or was deferred (recorded, picked up by the next run) or the
 * run was stopped; 2 bad configuration or input; 3 another runner holds the lock (or moved what
 * this run writes).
 */
export const ExitCode = {
  Ok: 0,
  PartialFailure: 1,
  BadInput: 2,
  Locked: 3,
} as const;

/** One of {@link ExitCode}'s values. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * Maps an error to the exit status by its classification (`kind`, which every lib's errors carry):
 * `conflict` (another runner holds the lock, or moved what this run writes) is 3, `bad-input` is 2,
 * anything else 1. No code string of any lib is known here: a lib classifies its own.
 */
export function exitCodeFor(error: unknown): ExitCode {
  const kind = (error as { kind?: unknown } | null)?.kind;
  if (kind === 'conflict') return ExitCode.Locked;
  if (kind === 'bad-input') return ExitCode.BadInput;
  return ExitCode.PartialFailure;
}
