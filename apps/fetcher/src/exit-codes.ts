/**
 * The fetcher's exit statuses: the shared ones of @lcs/cli-kit, mapped from each lib's own error
 * classification (`kind`), so no code string of another lib is spelt here.
 */
export { ExitCode, exitCodeFor } from '@lcs/cli-kit';
