/**
 * Wiring of one backfiller run: the lock, the original index, the augmented repository, the crate
 * store, metrics; the work itself is `backfill` in @lcs/augmented-index.
 */
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AugmentedIndexError,
  AugmentedRepo,
  backfill,
  type BackfillSummary,
} from '@lcs/augmented-index';
import { openCrateStore, openMetadataStore } from '@lcs/crate-store';
import { GitIndexSource, isScannable, openIndex } from '@lcs/index-reader';
import { BackfillerMetrics, MetricsRegistry } from '@lcs/metrics';
import { CrateParserPool, loadFieldModules } from '@lcs/augmented-index';
import { ConfigError, type RunConfig } from './config.js';
import { ExitCode } from './exit-codes.js';
import type { Reporter } from '@lcs/cli-kit';

/** The run's summary: the backfill's, and what became of the push. */
export type RunSummary = BackfillSummary & {
  /** `pushed`, `rejected` (the remote moved on), `failed` (transfer), or `null` (no push asked or nothing to push). */
  push: 'pushed' | 'rejected' | 'failed' | null;
};

/** Where a URL is cloned by default: under the OS temp directory, one folder per URL. */
export function tempDirFor(kind: string, url: string): string {
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
): Promise<{ summary: RunSummary; exitCode: ExitCode }> {
  const registry = new MetricsRegistry();
  const metrics = new BackfillerMetrics(registry);
  const metadata = openMetadataStore(config.metadata);
  const started = performance.now();
  let outcome: 'success' | 'partial' | 'failure' = 'failure';
  try {
    // Field modules first: a bad one is bad input, refused before anything is opened or locked.
    const fields = await loadFieldModules(config.fieldsModules);
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
          backend: config.gitBackend,
        });
        if (repo.created)
          reporter.log(
            'warn',
            `no augmented index at ${config.augmentedIndex}: created a new one`,
            {
              gitdir: repo.gitdir,
            },
          );
        const parser =
          config.parseThreads > 0 ? new CrateParserPool(config.parseThreads) : undefined;
        try {
          const [, name = '', email = ''] = /^(.*) <(.*)>$/.exec(config.author) ?? [];
          const commit = original.commit;
          if (commit) metrics.originalCommitTime(new Date(commit.committedAt * 1000));
          reporter.log('info', 'backfill started', {
            original: config.originalIndex,
            commit: commit?.oid ?? null,
            augmented: repo.gitdir,
            git: repo.backend,
          });
          const result = await backfill({
            original,
            ...(original instanceof GitIndexSource
              ? { originalCommit: { oid: original.commit.oid, store: original.store } }
              : {}),
            repo,
            crates: openCrateStore(config.store),
            author: { name, email },
            full: config.full,
            concurrency: config.concurrency,
            ...(config.maxCrates ? { maxCrates: config.maxCrates } : {}),
            ...(parser ? { parse: parser.parse } : {}),
            fields,
            signal,
            recorder: metrics,
            // `done` and `total` give the share done and an ETA (a full join counts its total
            // from the original's trees while it runs).
            onProgress: (p) => reporter.progress({ ...p, done: p.files }),
            onLog: (level, message, fields) => reporter.log(level, message, fields),
          });
          reporter.finish();
          const summary: RunSummary = { ...result, push: null };
          // Also pushes an earlier run's commit whose push failed, even when this run wrote none.
          const head = repo.head();
          if (config.push && head !== null && repo.needsPush()) {
            lock.assertHeld();
            summary.push = await pushOnce(repo, reporter, head);
          }
          metrics.pending(summary.deferred + summary.skipped);
          const partial = summary.deferred > 0 || summary.skipped > 0 || summary.interrupted;
          outcome =
            partial || summary.push === 'failed' || summary.push === 'rejected'
              ? 'partial'
              : 'success';
          const exitCode =
            summary.push === 'failed' || summary.push === 'rejected'
              ? ExitCode.PushFailed
              : partial
                ? ExitCode.PartialFailure
                : ExitCode.Ok;
          return { summary, exitCode };
        } finally {
          await parser?.close();
          await repo.close();
        }
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

/** Pushes the commit; a refused or failed push is reported, not thrown: the commit stays local. */
async function pushOnce(
  repo: AugmentedRepo,
  reporter: Reporter,
  commit: string,
): Promise<'pushed' | 'rejected' | 'failed'> {
  try {
    await repo.push();
    reporter.log('info', 'pushed', { commit });
    return 'pushed';
  } catch (error) {
    if (!(error instanceof AugmentedIndexError)) throw error;
    const rejected = error.code === 'AUGMENTED_PUSH_REJECTED';
    reporter.log('error', `push ${rejected ? 'rejected' : 'failed'}: ${error.message}`, {
      code: error.code,
      commit,
    });
    return rejected ? 'rejected' : 'failed';
  }
}
