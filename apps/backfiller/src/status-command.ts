/**
 * `status`: what the augmented index records, read without changing it (no clone, no fetch, no
 * lock): the original commit it is complete up to, the pending crate files, the operator's
 * overrides, the last commits, and who holds the backfiller's lock.
 */
import {
  readAugmentedStatus,
  type AugmentedCommit,
  type FieldOverride,
} from '@lcs/augmented-index';
import { openMetadataStore } from '@lcs/crate-store';
import type { StatusConfig } from './config.js';
import { tempDirFor } from './run-command.js';

/** The `status` report; `--json` prints it as one line. */
export interface StatusReport {
  readonly command: 'status';
  readonly augmented_index: string;
  /** `false` when there is no repository there yet (no run committed). */
  readonly exists: boolean;
  readonly head: string | null;
  readonly original_commit: string | null;
  readonly pending: readonly string[];
  readonly history: readonly AugmentedCommit[];
  /** The operator's overrides (`.ais/overrides.json`), in file order. */
  readonly overrides: readonly FieldOverride[];
  readonly lock_holder: string | null;
}

/** Reads the backfiller's progress. */
export async function runStatus(config: StatusConfig): Promise<StatusReport> {
  const metadata = openMetadataStore(config.metadata);
  try {
    const [status, holder] = await Promise.all([
      readAugmentedStatus(config.augmentedIndex, {
        cloneDir: config.augmentedIndexDir ?? tempDirFor('augmented', config.augmentedIndex),
        backend: config.gitBackend,
      }),
      metadata.lockHolder('backfiller'),
    ]);
    return {
      command: 'status',
      augmented_index: config.augmentedIndex,
      exists: status !== undefined,
      head: status?.head ?? null,
      original_commit: status?.original ?? null,
      pending: status?.pending ?? [],
      history: status?.history ?? [],
      overrides: status?.overrides ?? [],
      lock_holder: holder ?? null,
    };
  } finally {
    await metadata.close();
  }
}

/** The report as people read it. */
export function formatStatus(report: StatusReport): string {
  if (!report.exists)
    return `augmented  ${report.augmented_index}: no augmented index yet (the first run creates it)`;
  const lines = [
    `augmented  ${report.augmented_index} at ${report.head?.slice(0, 12) ?? '(no commit yet)'}`,
    `original   ${report.original_commit ? `complete up to ${report.original_commit.slice(0, 12)}` : 'no complete join recorded yet (the next run is a full join)'}`,
    `pending    ${report.pending.length === 0 ? 'none' : `${report.pending.length} crate files`}${report.pending.length ? `: ${report.pending.slice(0, 10).join(', ')}${report.pending.length > 10 ? ', ...' : ''}` : ''}`,
    `overrides  ${report.overrides.length === 0 ? 'none' : `${report.overrides.length} (.ais/overrides.json)`}`,
    ...report.overrides
      .slice(0, 20)
      .map(
        (o) =>
          `  ${o.crate} ${o.versions === '*' ? '*' : o.versions.join(',')} ${o.field} = ${JSON.stringify(o.value).slice(0, 60)}: ${o.reason}`,
      ),
    ...(report.overrides.length > 20 ? [`  ... ${report.overrides.length - 20} more`] : []),
    `lock       ${report.lock_holder ? `held by ${report.lock_holder}` : 'free'}`,
    `last runs  ${report.history.length === 0 ? 'none' : ''}`.trimEnd(),
  ];
  for (const c of report.history)
    lines.push(`  ${c.committedAt}  ${c.commit.slice(0, 12)}  ${c.subject}`);
  return lines.join('\n');
}
