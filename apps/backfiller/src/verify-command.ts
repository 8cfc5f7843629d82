/**
 * `verify`: drift between the committed augmented index and its crates, read without writing or
 * locking anything. The work is `checkDrift` in @lcs/augmented-index; this file wires the snapshot,
 * the store and the parser pool, and words the report.
 */
import {
  AugmentedSnapshot,
  checkDrift,
  CrateParserPool,
  loadFieldModules,
  type DriftReport,
} from '@lcs/augmented-index';
import { formatCount, type Reporter } from '@lcs/cli-kit';
import { openCrateStore } from '@lcs/crate-store';
import type { VerifyConfig } from './config.js';
import { ExitCode } from './exit-codes.js';
import { tempDirFor } from './run-command.js';

/** The `verify` report: the drift check's, and the commit it read. */
export type VerifyReport = DriftReport & {
  readonly command: 'verify';
  readonly augmented_index: string;
  readonly commit: string;
};

/** One drift check of the augmented index's branch commit. */
export async function runVerify(
  config: VerifyConfig,
  reporter: Reporter,
  signal: AbortSignal,
): Promise<{ report: VerifyReport; exitCode: ExitCode }> {
  const fields = await loadFieldModules(config.fieldsModules);
  const snapshot = await AugmentedSnapshot.open(config.augmentedIndex, {
    cloneDir: config.augmentedIndexDir ?? tempDirFor('augmented', config.augmentedIndex),
    backend: config.gitBackend,
  });
  const parser = config.parseThreads > 0 ? new CrateParserPool(config.parseThreads) : undefined;
  try {
    reporter.log('info', 'verify started', {
      augmented: snapshot.gitdir,
      commit: snapshot.commit,
      sample: config.sample,
    });
    const drift = await checkDrift({
      lines: snapshot,
      crates: openCrateStore(config.store),
      sample: config.sample,
      ...(config.seed !== undefined ? { seed: config.seed } : {}),
      concurrency: config.concurrency,
      ...(parser ? { parse: parser.parse } : {}),
      fields,
      signal,
      onProgress: (p) => reporter.progress({ ...p, done: p.files }),
    });
    reporter.finish();
    const report: VerifyReport = {
      command: 'verify',
      augmented_index: config.augmentedIndex,
      commit: snapshot.commit,
      ...drift,
    };
    if (report.checked === 0 && report.lines > 0)
      reporter.log(
        'warn',
        'no line was compared: their crates are not in the store (is --store the fetcher’s?)',
        { store: config.store },
      );
    const found = report.drifted > 0 || report.invalid.count > 0;
    return { report, exitCode: found ? ExitCode.PartialFailure : ExitCode.Ok };
  } finally {
    await parser?.close();
    await snapshot.close();
  }
}

/** The report as people read it. */
export function formatVerify(report: VerifyReport): string {
  const n = formatCount;
  const named = (first: readonly string[], count: number) =>
    first.length ? `: ${first.join(', ')}${count > first.length ? ', ...' : ''}` : '';
  const { missing, stale } = report.unchecked;
  const lines = [
    `verify     ${report.augmented_index} at ${report.commit.slice(0, 12)}: ${n(report.lines)} lines in ${n(report.files)} files, ${report.sample >= 1 ? 'all lines' : `sample ${report.sample} (seed ${report.seed})`}`,
    `checked    ${n(report.checked)} regenerated: ${n(report.matching)} match, ${n(report.drifted)} drifted`,
  ];
  const fields = Object.entries(report.fields);
  if (fields.length === 0) lines.push('drift      none');
  for (const [field, finding] of fields) {
    lines.push(`drift      ${field}: ${n(finding.count)} versions`);
    for (const e of finding.first.slice(0, 5))
      lines.push(
        `  ${e.version}: committed ${e.committed ?? '(absent)'}, regenerated ${e.regenerated ?? '(absent)'}`,
      );
  }
  if (report.invalid.count > 0)
    lines.push(
      `invalid    ${n(report.invalid.count)} lines are not entries${named(report.invalid.first, report.invalid.count)}`,
    );
  if (missing.count + stale.count > 0)
    lines.push(
      `unchecked  ${n(missing.count)} not in the store${named(missing.first, missing.count)}; ${n(stale.count)} stored copies not the line's cksum${named(stale.first, stale.count)}`,
    );
  lines.push(
    `took       ${report.duration_s.toFixed(2)} s${report.interrupted ? ' (stopped early)' : ''}`,
  );
  return lines.join('\n');
}
