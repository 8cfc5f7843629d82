/**
 * The backfiller's exit statuses (the shared ones of @lcs/cli-kit), with the error codes of its
 * own libraries that mean bad input.
 */
import { exitCodeFor as shared, type ExitCode } from '@lcs/cli-kit';

export { ExitCode } from '@lcs/cli-kit';

/** Maps an error thrown by the run to the exit status. */
export function exitCodeFor(error: unknown): ExitCode {
  return shared(error, ['AUGMENTED_REPO_INVALID']);
}
