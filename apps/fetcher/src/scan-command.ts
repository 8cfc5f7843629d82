import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { indexStats, isScannable, openIndex } from '@lcs/index-reader';
import { ConfigError, type ScanConfig } from './config.js';
import { ExitCode } from './exit-codes.js';
import { formatCount, type Reporter } from '@lcs/cli-kit';

/** The `scan` summary; with `--json` it is the last line on stdout. */
export interface ScanSummary {
  readonly command: 'scan';
  readonly index: string;
  readonly index_commit: string | null;
  readonly crates: number;
  readonly versions: number;
  readonly yanked: number;
  readonly unsupported_lines: number;
  readonly malformed_lines: number;
  readonly bytes: number;
  readonly duration_s: number;
  readonly interrupted: boolean;
}

/** Where a cloned git index is cached by default: under the OS temp directory, one folder per URL. */
export function defaultIndexDir(index: string): string {
  return join(
    tmpdir(),
    `lcs-index-${createHash('sha256').update(index).digest('hex').slice(0, 16)}`,
  );
}

/** Runs `scan`: opens the index, counts it with progress, returns the summary and exit status. */
export async function runScan(
  config: ScanConfig,
  reporter: Reporter,
  signal: AbortSignal,
): Promise<{ summary: ScanSummary; exitCode: ExitCode }> {
  const started = performance.now();
  const source = await openIndex(config.index, {
    cacheDir: config.indexDir ?? defaultIndexDir(config.index),
    ...(config.rev ? { rev: config.rev } : {}),
  });
  try {
    if (!isScannable(source)) {
      throw new ConfigError(
        config.index,
        `${config.index}: a sparse index cannot be listed, so it cannot be scanned`,
      );
    }
    const commit = source.commit?.oid ?? null;
    reporter.log('info', 'scan started', { index: config.index, commit });
    const stats = await indexStats(source, {
      signal,
      onProgress: (s) =>
        reporter.progress({
          crates: s.crates,
          versions: s.versions,
          MiB: (s.bytes / 2 ** 20).toFixed(0),
        }),
    });
    reporter.finish();
    for (const error of stats.errors)
      reporter.log('warn', error.message, { file: error.file, line: error.line });
    const summary: ScanSummary = {
      command: 'scan',
      index: config.index,
      index_commit: commit,
      crates: stats.crates,
      versions: stats.versions,
      yanked: stats.yanked,
      unsupported_lines: stats.unsupported,
      malformed_lines: stats.lineErrors,
      bytes: stats.bytes,
      duration_s: Number(((performance.now() - started) / 1000).toFixed(3)),
      interrupted: signal.aborted,
    };
    const failed = stats.lineErrors > 0 || signal.aborted;
    return { summary, exitCode: failed ? ExitCode.PartialFailure : ExitCode.Ok };
  } finally {
    await source.close();
  }
}

/** The summary as people read it. */
export function formatScanSummary(s: ScanSummary): string {
  return [
    `index      ${s.index}${s.index_commit ? ` @ ${s.index_commit.slice(0, 12)}` : ''}`,
    `crates     ${formatCount(s.crates)}`,
    `versions   ${formatCount(s.versions)} (${formatCount(s.yanked)} yanked)`,
    `malformed  ${s.malformed_lines} lines; ${s.unsupported_lines} lines of a newer format skipped`,
    `read       ${(s.bytes / 2 ** 20).toFixed(1)} MiB in ${s.duration_s.toFixed(2)} s${s.interrupted ? ' (interrupted)' : ''}`,
  ].join('\n');
}
