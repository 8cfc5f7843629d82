/**
 * Wiring of one backfiller run: the lock, the original index, the augmented repository, the crate
 * store, metrics; the work itself is `backfill` in @lcs/augmented-index.
 */
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AugmentedRepo, backfill, type BackfillSummary } from '@lcs/augmented-index';
import { openCrateStore, openMetadataStore } from '@lcs/crate-store';
import { GitIndexSource, isScannable, openIndex } from '@lcs/index-reader';
import { BackfillerMetrics, MetricsRegistry } from '@lcs/metrics';
import { ConfigError, type RunConfig } from './config.js';
import { ExitCode } from './exit-codes.js';
import type { Reporter } from '@lcs/cli-kit';

function tempDirFor(kind: string, url: string): string {
  return join(
    tmpdir(),
    `ais-${kind}-${createHash('sha256').update(url).digest('hex').slice(0, 16)}`,
  );
}

/** `run`: one backfill under the lock; metrics delivered at the end. */
export async function runBackfill(
  config: RunConfig,
  reporter: Reporter,
  signal: AbortSignal,
): Promise<{ summary: BackfillSummary; exitCode: ExitCode }> {
  const registry = new MetricsRegistry();
  const metrics = new BackfillerMetrics(registry);
  const metadata = openMetadataStore(config.metadata);
  const started = performance.now();
  let outcome: 'success' | 'partial' | 'failure' = 'failure';
  try {
    const lock = await metadata.acquireLock({ name: 'backfiller', ttlSeconds: 30 });
    try {
      const original = await openIndex(config.originalIndex, {
        cacheDir: config.indexDir ?? tempDirFor('original', config.originalIndex),
      });
      try {
        if (!isScannable(original))
          throw new ConfigError(
            config.originalIndex,
            `${config.originalIndex}: a sparse index cannot be listed`,
          );
        const repo = await AugmentedRepo.open(config.augmentedIndex, {
          cloneDir: config.augmentedIndexDir ?? tempDirFor('augmented', config.augmentedIndex),
          ...(config.gitToken ? { token: config.gitToken } : {}),
          original: config.originalIndex,
        });
        const [, name = '', email = ''] = /^(.*) <(.*)>$/.exec(config.author) ?? [];
        const commit = original instanceof GitIndexSource ? original.commit : undefined;
        if (commit) metrics.originalCommitTime(new Date(commit.committedAt * 1000));
        reporter.log('info', 'backfill started', {
          original: config.originalIndex,
          commit: commit?.oid ?? null,
          augmented: repo.dir,
        });
        const summary = await backfill({
          original,
          repo,
          crates: openCrateStore(config.store),
          author: { name, email },
          concurrency: config.concurrency,
          ...(config.maxCrates ? { maxCrates: config.maxCrates } : {}),
          signal,
          recorder: metrics,
          ...(commit ? { originalCommit: commit.oid } : {}),
          onProgress: (p) => reporter.progress(p),
          onLog: (level, message, fields) => reporter.log(level, message, fields),
        });
        reporter.finish();
        if (config.push && summary.commit !== null) {
          lock.assertHeld();
          await repo.push();
          reporter.log('info', 'pushed', { commit: summary.commit });
        }
        metrics.pending(summary.deferred + summary.skipped);
        const partial = summary.deferred > 0 || summary.skipped > 0 || summary.interrupted;
        outcome = partial ? 'partial' : 'success';
        return { summary, exitCode: partial ? ExitCode.PartialFailure : ExitCode.Ok };
      } finally {
        await original.close();
      }
    } finally {
      await lock.release();
    }
  } finally {
    metrics.finished(outcome, (performance.now() - started) / 1000);
    if (config.metricsFile)
      await registry
        .writeTextfile(config.metricsFile)
        .catch((e: unknown) => reporter.log('warn', `metrics textfile: ${(e as Error).message}`));
    if (config.pushgateway)
      await registry
        .push(config.pushgateway, { job: 'ais-backfiller' })
        .catch((e: unknown) => reporter.log('warn', `metrics push: ${(e as Error).message}`));
    await metadata.close();
  }
}
