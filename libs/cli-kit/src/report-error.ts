/**
 * The last words of a command that failed: one line naming the error on stderr, in the format the
 * logs use (a JSON log line for a log collector, with the stack for an unexpected error; plain text
 * on a terminal), and with `--json` the error summary as the last stdout line.
 */
import { errorSummary } from './error-summary.js';
import { ExitCode } from './exit-status.js';
import type { Reporter } from './reporter.js';

/** Writes `error` for a command named `program` that exits with `exitCode`. */
export function reportError(
  program: string,
  error: unknown,
  exitCode: number,
  reporter: Reporter,
  json: boolean,
): void {
  reporter.finish();
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  // Every error the libraries throw on purpose carries a stable code and a message that says it
  // all (an unreachable index, a held lock, bad input). One without a code is a bug: keep its stack.
  const stack =
    exitCode === ExitCode.PartialFailure && typeof code !== 'string' && error instanceof Error
      ? error.stack
      : '';
  if (reporter.format === 'json')
    reporter.log('error', message, {
      ...(typeof code === 'string' ? { code } : {}),
      exit_code: exitCode,
      ...(stack ? { stack } : {}),
    });
  else process.stderr.write(`${program}: ${message}\n${stack ? `${stack}\n` : ''}`);
  if (json) process.stdout.write(`${errorSummary(error)}\n`);
}
