/** Runs the built apps as operators do: child processes, asynchronously (the simulator shares this process). */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { messagesOf } from '../../../../tools/test-servers/index.mjs';

export const MAIN = resolve(import.meta.dirname, '../../dist/main.js');
/** The fetcher, which mirrors the crates the backfiller reads (built first: an implicit dependency). */
export const FETCHER = resolve(import.meta.dirname, '../../../fetcher/dist/main.js');

/** Result of one run: exit code, output, and the `--json` summary (last stdout line) when present. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  summary: Record<string, unknown> | undefined;
  /** stderr's JSON log lines. */
  logs: Array<Record<string, unknown>>;
  /** stderr as people read it: each JSON log line replaced by its message. */
  messages: string;
}

/** Runs `main` (default: the backfiller) with `args` in `cwd`. */
export function run(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; main?: string },
): Promise<CliResult> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [options.main ?? MAIN, ...args],
      {
        cwd: options.cwd,
        env: { PATH: process.env['PATH'] ?? '', HOME: options.cwd, ...options.env },
        maxBuffer: 1 << 26,
      },
      (error, stdout, stderr) => {
        const last = stdout.trim().split('\n').at(-1) ?? '';
        const summary = last.startsWith('{')
          ? (JSON.parse(last) as Record<string, unknown>)
          : undefined;
        const logs = stderr
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as Record<string, unknown>);
        done({
          code: error ? Number(error.code ?? 1) : 0,
          stdout,
          stderr,
          summary,
          logs,
          messages: messagesOf(stderr),
        });
      },
    );
  });
}
