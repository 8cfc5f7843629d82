/**
 * Wiring of one sync: stores and lock from URLs, the index from its spec, the downloader, and the
 * metrics delivery. The work itself is `runSync` in @lcs/mirror.
 */
import { SnapshotHistory } from '@lcs/snapshot/history';
import { randomUUID } from 'node:crypto';
import {
  openCrateStore,
  openMetadataStore,
  type CrateStore,
  type MetadataStore,
  type RunnerLock,
} from '@lcs/crate-store';
import { isScannable, openIndex, type ScannableIndexSource } from '@lcs/index-reader';
import { FetcherMetrics, MetricsRegistry } from '@lcs/metrics';
import { Downloader, runSync, SyncStateStore, type SyncSummary } from '@lcs/mirror';
import { shardLabel, shardStateName, type Shard } from '@lcs/mirror/shard';
import { ConfigError, type ServeConfig, type SyncConfig } from './config.js';
import { ExitCode } from './exit-codes.js';
import { formatCount, type Reporter } from '@lcs/cli-kit';
import { defaultIndexDir } from './scan-command.js';
import { VERSION } from './version.js';

/** Long-lived parts of the fetcher: opened once per process. */
export interface FetcherContext {
  readonly store: CrateStore;
  readonly metadata: MetadataStore;
  readonly state: SyncStateStore;
  /** The snapshot history every unsharded sync records into (always the `fetcher` namespace). */
  readonly snapshots: SnapshotHistory;
  readonly registry: MetricsRegistry;
  readonly metrics: FetcherMetrics;
  readonly downloader: Downloader;
}

/** Opens the stores, the metrics registry and the downloader a config names. */
export function openContext(config: SyncConfig | ServeConfig): FetcherContext {
  const store = openCrateStore(config.store);
  const metadata = openMetadataStore(config.metadata);
  const shard = shardOf(config);
  // A shard's series carry it as a label (at most 256 values), so N pods never overwrite each other.
  const registry = new MetricsRegistry(shard ? { shard: shardLabel(shard) } : {});
  return {
    store,
    metadata,
    state: new SyncStateStore({ metadata, objects: store, namespace: stateName(config) }),
    snapshots: new SnapshotHistory({ metadata, objects: store }),
    registry,
    metrics: new FetcherMetrics(registry, { perCrateVersions: !config.noPerCrateMetrics }),
    downloader: newDownloader(config),
  };
}

/** The downloader a config describes (a sync's, or a verify's repair). */
export function newDownloader(
  config: Pick<
    SyncConfig,
    'contact' | 'timeoutSeconds' | 'minBytesPerSecond' | 'maxAttempts' | 'maxCrateBytes' | 'dl'
  >,
): Downloader {
  return new Downloader({
    userAgent: `lcs-fetcher/${VERSION} (+${config.contact}; crate mirror)`,
    headersTimeoutMs: config.timeoutSeconds * 1000,
    idleTimeoutMs: config.timeoutSeconds * 1000,
    minBytesPerSecond: config.minBytesPerSecond,
    maxAttempts: config.maxAttempts,
    maxBytes: config.maxCrateBytes,
    // Local files are read only from a template the operator gave, never from an index's dl.
    allowFileUrls: config.dl?.startsWith('file:') === true,
  });
}

/** The shard a config runs (only `sync` takes one). */
function shardOf(config: SyncConfig | ServeConfig): Shard | undefined {
  return 'shard' in config ? config.shard : undefined;
}

/** The name of the run's cursor, retry list and lock: `fetcher`, or a shard's own. */
function stateName(config: SyncConfig | ServeConfig): string {
  return shardStateName('fetcher', shardOf(config));
}

/**
 * The metadata key a server writes when a hook arrives while another runner holds the lock (a
 * webhook replica, the CronJob): "a sync is wanted". The holder reads it before releasing and runs
 * again when it changed during its run, so a hook received anywhere in the fleet is never lost.
 */
export const SYNC_WANTED_KEY = 'fetcher/sync-wanted';

/** Most follow-up runs a holder makes for hooks received during its own runs (then the lock frees). */
const MAX_FOLLOW_UPS = 3;

/**
 * The "sync wanted" mark as data, for logs and `status`. Only compared for equality otherwise: a
 * value some other writer left there (not JSON) is shown as text, never trusted.
 */
export function describeSyncWanted(value: string | undefined): unknown {
  if (value === undefined) return null;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return { unreadable: value.slice(0, 200) };
  }
}

/** Records that a sync is wanted (a unique value each time, so the holder sees it changed). */
export async function markSyncWanted(metadata: MetadataStore, reason: string): Promise<void> {
  const value = { at: new Date().toISOString(), reason, id: randomUUID() };
  await metadata.put(SYNC_WANTED_KEY, JSON.stringify(value));
}

/**
 * One sync under the single-runner lock: lock, pull the index, run; again while hooks arrived
 * elsewhere during the run (unsharded runs only: a shard covers only its own crates); release.
 */
export async function syncOnce(
  config: SyncConfig | ServeConfig,
  context: FetcherContext,
  reporter: Reporter,
  signal: AbortSignal,
): Promise<SyncSummary> {
  const shard = shardOf(config);
  const lock = await context.metadata.acquireLock({
    name: stateName(config),
    ttlSeconds: config.lockTtl,
  });
  try {
    let wanted = shard ? undefined : await context.metadata.get(SYNC_WANTED_KEY);
    let summary = await pullAndRun(config, context, reporter, signal, lock);
    for (let followUps = 0; !shard && followUps < MAX_FOLLOW_UPS; followUps++) {
      if (signal.aborted || summary.status === 'interrupted' || summary.status === 'failed') break;
      const now = await context.metadata.get(SYNC_WANTED_KEY);
      if (now === wanted) break;
      wanted = now;
      reporter.log('info', 'a sync was requested while this one ran: running again', {
        wanted: describeSyncWanted(now),
      });
      summary = await pullAndRun(config, context, reporter, signal, lock);
    }
    return summary;
  } finally {
    await lock.release();
  }
}

/** Pulls (or opens) the index a config names; one that cannot be listed is refused (exit 2). */
export async function openScannableIndex(
  config: Pick<SyncConfig, 'index' | 'indexDir'>,
  reporter: Reporter,
): Promise<ScannableIndexSource> {
  reporter.log('info', 'pulling the index', { index: config.index });
  const source = await openIndex(config.index, {
    cacheDir: config.indexDir ?? defaultIndexDir(config.index),
  });
  if (isScannable(source)) return source;
  await source.close();
  throw new ConfigError(
    config.index,
    `${config.index}: a sparse index cannot be listed; give a git index`,
  );
}

/** Pulls the index and runs one sync under a held lock. */
async function pullAndRun(
  config: SyncConfig | ServeConfig,
  context: FetcherContext,
  reporter: Reporter,
  signal: AbortSignal,
  lock: RunnerLock,
): Promise<SyncSummary> {
  const shard = shardOf(config);
  const source = await openScannableIndex(config, reporter);
  try {
    return await runSync({
      source,
      store: context.store,
      state: context.state,
      snapshots: context.snapshots,
      lock,
      downloader: context.downloader,
      metrics: context.metrics,
      concurrency: config.concurrency,
      ...(config.maxSessionCrates !== undefined
        ? { maxSessionCrates: config.maxSessionCrates }
        : {}),
      full: config.full,
      reread: config.reread,
      ...(shard ? { shard } : {}),
      ...(config.dl ? { dl: config.dl } : {}),
      signal,
      drainMs: config.drainSeconds * 1000,
      // Twice the longest a live put leaves its file untouched (a pause, the lease), and a minute.
      staleTempMs: 2 * Math.max(config.lockTtl, config.timeoutSeconds) * 1000 + 60_000,
      onEvent: (event) => {
        if (event.type === 'log') reporter.log(event.level, event.message, event.fields);
        else
          reporter.progress({
            done: event.done,
            queued: event.queued,
            downloaded: event.downloaded,
            failed: event.failed,
            MiB: (event.bytes / 2 ** 20).toFixed(1),
          });
      },
    });
  } finally {
    await source.close();
  }
}

/** Delivers the run's metrics to the textfile and the Pushgateway; a delivery failure is a warning. */
export async function deliverMetrics(
  config: Pick<SyncConfig, 'metricsFile' | 'pushgateway' | 'shard'>,
  registry: MetricsRegistry,
  reporter: Reporter,
  /** The Pushgateway job: a verify pushes its own group, never replacing the sync's series. */
  job = 'lcs-fetcher',
): Promise<void> {
  const deliveries: Array<[string, () => Promise<void>]> = [];
  if (config.metricsFile)
    deliveries.push(['textfile', () => registry.writeTextfile(config.metricsFile ?? '')]);
  if (config.pushgateway)
    deliveries.push([
      'pushgateway',
      () =>
        registry.push(config.pushgateway ?? '', {
          job,
          // One group per shard: a shard's push replaces its own series, never another shard's.
          ...(config.shard ? { groupings: { shard: shardLabel(config.shard) } } : {}),
        }),
    ]);
  for (const [what, deliver] of deliveries) {
    await deliver().catch((error: unknown) =>
      reporter.log('warn', `metrics ${what}: ${(error as Error).message}`),
    );
  }
}

/** `sync`: one run, metrics delivered, summary and exit status. */
export async function runSyncCommand(
  config: SyncConfig,
  reporter: Reporter,
  signal: AbortSignal,
): Promise<{ summary: SyncSummary | undefined; exitCode: ExitCode }> {
  const context = openContext(config);
  const server =
    config.metricsPort !== undefined ? await context.registry.serve(config.metricsPort) : undefined;
  const started = performance.now();
  try {
    const summary = await syncOnce(config, context, reporter, signal);
    reporter.finish();
    // A dry run (--max-session-crates 0) defers every download on purpose: that is its success.
    const dryRunDone = config.maxSessionCrates === 0 && summary.failed === 0;
    return {
      summary,
      exitCode: summary.status === 'ok' || dryRunDone ? ExitCode.Ok : ExitCode.PartialFailure,
    };
  } catch (error) {
    context.metrics.finished('failure', (performance.now() - started) / 1000);
    throw error;
  } finally {
    await deliverMetrics(config, context.registry, reporter);
    await server?.close();
    await context.metadata.close();
  }
}

/** The summary as people read it. */
export function formatSyncSummary(s: SyncSummary): string {
  const n = formatCount;
  return [
    `sync       ${s.status} (${s.mode}${s.shard ? `, shard ${s.shard}` : ''}) index ${s.index_commit?.slice(0, 12) ?? '(directory)'}${s.cursor_moved ? ', cursor moved' : ', cursor kept'}`,
    `scanned    ${n(s.scanned_crates)} crates, ${n(s.scanned_versions)} versions`,
    `downloaded ${n(s.downloaded)} (${(s.bytes / 2 ** 20).toFixed(1)} MiB), ${n(s.already_stored)} already stored`,
    `failed     ${n(s.failed)} this run; ${n(s.retry_list)} on the retry list; ${n(s.deferred)} deferred to the next run`,
    `index      ${n(s.yank_changes)} yank changes, ${n(s.deleted_versions)} versions deleted (kept in the store)`,
    `took       ${s.duration_s.toFixed(2)} s`,
  ].join('\n');
}
