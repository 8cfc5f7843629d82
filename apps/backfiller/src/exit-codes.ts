/**
 * The backfiller's exit statuses (the shared ones of @lcs/cli-kit), with the error codes of its
 * own libraries that mean bad input.
 */
import { AUGMENTED_BAD_INPUT_CODES } from '@lcs/augmented-index/errors';
import { ExitCode as SharedExitCode, exitCodeFor as shared } from '@lcs/cli-kit';

/** The shared statuses, and 4: committed locally, but the push was rejected or failed. */
export const ExitCode = { ...SharedExitCode, PushFailed: 4 } as const;

/** One of {@link ExitCode}'s values. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Maps an error thrown by the run to the exit status. */
export function exitCodeFor(error: unknown): ExitCode {
  return shared(error, AUGMENTED_BAD_INPUT_CODES);
}
