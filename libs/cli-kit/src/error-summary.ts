/**
 * The last stdout line of a `--json` run that failed before it had a summary (bad configuration, a
 * held or lost lock, an unreachable backend), so scripts always get one JSON line to read.
 */

/** `true` when `--json` (or `LCS_JSON=1|true`) was asked for, whether or not the rest parses. */
export function jsonRequested(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  if (argv.includes('--json')) return true;
  const value = env['LCS_JSON'];
  return value === '1' || value === 'true';
}

/** `{"status":"error","error":{"code":…,"message":…}}` for `error`. */
export function errorSummary(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return JSON.stringify({
    status: 'error',
    error: {
      code: typeof code === 'string' ? code : 'UNKNOWN',
      message: typeof message === 'string' ? message : String(error),
    },
  });
}
