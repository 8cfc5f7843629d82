/**
 * The fetcher's exit statuses (the shared ones of @lcs/cli-kit), with the error codes of its own
 * libraries that mean bad input.
 */
import { exitCodeFor as shared, type ExitCode } from '@lcs/cli-kit';
import type { MirrorErrorCode } from '@lcs/mirror';

/** The mirror's codes that mean bad input (exit 2), checked against its code union. */
const BAD_INPUT: readonly MirrorErrorCode[] = [
  'SYNC_INDEX_NOT_SCANNABLE',
  'SYNC_DL_REFUSED',
  'SHARD_INVALID',
  'SYNC_STATE_CORRUPT',
  'VERIFY_OPTIONS_INVALID',
];

export { ExitCode } from '@lcs/cli-kit';

/** Maps an error thrown by a command to the exit status. */
export function exitCodeFor(error: unknown): ExitCode {
  return shared(error, BAD_INPUT);
}
