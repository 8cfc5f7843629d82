/**
 * `report`: what each field holds across the whole augmented index (current, behind, errors by
 * code) and the crates that could not be read, read without writing or locking anything. The work
 * is `reportFields` in @lcs/augmented-index; this file wires the snapshot and words the report.
 */
import {
  AugmentedSnapshot,
  loadFieldModules,
  reportFields,
  type FieldReport,
} from '@lcs/augmented-index';
import { formatCount, type Reporter } from '@lcs/cli-kit';
import type { ReportConfig } from './config.js';
import { tempDirFor } from './run-command.js';

/** The `report` output: the field report, and the commit it read. */
export type ReportOutput = FieldReport & {
  readonly command: 'report';
  readonly augmented_index: string;
  readonly commit: string;
};

/** Counts every line of the augmented index's branch commit, per field. */
export async function runReport(
  config: ReportConfig,
  reporter: Reporter,
  signal: AbortSignal,
): Promise<ReportOutput> {
  const fields = await loadFieldModules(config.fieldsModules);
  const snapshot = await AugmentedSnapshot.open(config.augmentedIndex, {
    cloneDir: config.augmentedIndexDir ?? tempDirFor('augmented', config.augmentedIndex),
    backend: config.gitBackend,
  });
  try {
    const report = await reportFields({
      lines: snapshot,
      fields,
      concurrency: config.concurrency,
      signal,
      onProgress: (p) => reporter.progress({ ...p, done: p.files }),
    });
    reporter.finish();
    return {
      command: 'report',
      augmented_index: config.augmentedIndex,
      commit: snapshot.commit,
      ...report,
    };
  } finally {
    await snapshot.close();
  }
}

/** The report as people read it: one row per field. */
export function formatReport(report: ReportOutput): string {
  const n = formatCount;
  const codes = (errors: Record<string, number>) =>
    Object.entries(errors)
      .sort(([, a], [, b]) => b - a)
      .map(([code, count]) => `${code} ${n(count)}`)
      .join(', ');
  const rows = Object.entries(report.fields).map(([name, c]) => {
    const version = c.version === null ? 'not loaded' : `v${c.version}`;
    const errors = Object.keys(c.errors).length ? `; errors: ${codes(c.errors)}` : '';
    const ahead = c.ahead ? `, ${n(c.ahead)} ahead` : '';
    const overridden = c.overridden ? `, ${n(c.overridden)} overridden` : '';
    return `  ${name.padEnd(16)} ${version.padEnd(10)} ${n(c.current)} current, ${n(c.behind)} behind${ahead}${overridden}${errors}`;
  });
  const unreadable = Object.keys(report.unreadable).length ? codes(report.unreadable) : 'none';
  const mismatch = report.index_mismatch.lines
    ? [
        `index_mismatch ${n(report.index_mismatch.lines)} lines differ from their manifest: ${codes(report.index_mismatch.kinds)}`,
      ]
    : [];
  return [
    `report     ${report.augmented_index} at ${report.commit.slice(0, 12)}: ${n(report.lines)} lines in ${n(report.files)} files${report.invalid ? `, ${n(report.invalid)} not entries` : ''}`,
    'fields',
    ...rows,
    `unreadable ${unreadable}`,
    ...mismatch,
    `took       ${report.duration_s.toFixed(2)} s${report.interrupted ? ' (stopped early)' : ''}`,
  ].join('\n');
}
