/**
 * The last stdout line of a `--json` run that failed before it had a summary (bad configuration, a
 * held or lost lock, an unreachable backend), so scripts always get one JSON line to read.
 */

/** `true` when `--json` (or `LCS_JSON=1|true`) was asked for, whether or not the rest parses. */
export function jsonRequested(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  variable = 'LCS_JSON',
): boolean {
  if (argv.includes('--json')) return true;
  const value = env[variable];
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

/**
 * The reporter options a command line asks for, read leniently before it is parsed (so that even
 * a refused command line is reported in the format asked for): `--log-format F` or
 * `--log-format=F`, `--quiet`, or the variables `<PREFIX>_LOG_FORMAT` and `<PREFIX>_QUIET`.
 */
export function loggingRequested(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  prefix: string,
): { format: 'auto' | 'text' | 'json'; quiet: boolean; term: string | undefined } {
  const at = argv.indexOf('--log-format');
  const inline = argv.find((a) => a.startsWith('--log-format='))?.slice('--log-format='.length);
  const value = (at >= 0 ? argv[at + 1] : inline) ?? env[`${prefix}_LOG_FORMAT`];
  const format = value === 'text' || value === 'json' ? value : 'auto';
  const quietEnv = env[`${prefix}_QUIET`];
  const quiet = argv.includes('--quiet') || quietEnv === '1' || quietEnv === 'true';
  return { format, quiet, term: env['TERM'] };
}
