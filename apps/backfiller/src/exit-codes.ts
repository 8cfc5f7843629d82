/**
 * The backfiller's exit statuses: the shared ones of @lcs/cli-kit (mapped from each lib's own error
 * classification, `kind`), and its own 4.
 */
import { ExitCode as SharedExitCode, exitCodeFor as shared } from '@lcs/cli-kit';

/** The shared statuses, and 4: committed locally, but the push was rejected or failed. */
export const ExitCode = { ...SharedExitCode, PushFailed: 4 } as const;

/** One of {@link ExitCode}'s values. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Maps an error thrown by the run to the exit status. */
export function exitCodeFor(error: unknown): ExitCode {
  return shared(error);
}
