/**
 * `verify`: wiring of one scrub. The store, the metadata and the index from the config; the
 * scrub's own lock (two scrubs never share a cursor) and, for `--repair`, the sync's lock too (a
 * repair never races a sync); metrics under their own Pushgateway job. The work is `runVerify` in
 * @lcs/mirror.
 */
import { openCrateStore, openMetadataStore, type RunnerLock } from '@lcs/crate-store';
import { MetricsRegistry, VerifyMetrics } from '@lcs/metrics';
import { runVerify, SyncStateStore, VerifyStateStore, type VerifySummary } from '@lcs/mirror';
import { shardLabel, shardStateName } from '@lcs/mirror/shard';
import { formatCount, type Reporter } from '@lcs/cli-kit';
import type { VerifyConfig } from './config.js';
import { ExitCode } from './exit-codes.js';
import { deliverMetrics, newDownloader, openScannableIndex } from './sync-command.js';

/** `verify`: one scrub (or the rest of one), metrics delivered, summary and exit status. */
export async function runVerifyCommand(
  config: VerifyConfig,
  reporter: Reporter,
  signal: AbortSignal,
): Promise<{ summary: VerifySummary; exitCode: ExitCode }> {
  const store = openCrateStore(config.store);
  const metadata = openMetadataStore(config.metadata);
  const registry = new MetricsRegistry(config.shard ? { shard: shardLabel(config.shard) } : {});
  const metrics = new VerifyMetrics(registry);
  const name = shardStateName('fetcher', config.shard);
  const state = new VerifyStateStore(metadata, name);
  const locks: RunnerLock[] = [];
  const downloader = config.repair ? newDownloader(config) : undefined;
  const started = performance.now();
  try {
    const lock = await metadata.acquireLock({ name: state.lockName, ttlSeconds: config.lockTtl });
    locks.push(lock);
    const syncLock = config.repair
      ? await metadata.acquireLock({ name, ttlSeconds: config.lockTtl })
      : undefined;
    if (syncLock) locks.push(syncLock);
    const source = await openScannableIndex(config, reporter);
    try {
      const summary = await runVerify({
        source,
        store,
        state,
        lock,
        concurrency: config.concurrency,
        sample: config.sample,
        maxBytesPerSecond: config.maxBytesPerSecond,
        hashThreads: config.hashThreads,
        trustStoredChecksum: config.trustStoredChecksum,
        restart: config.restart,
        ...(config.shard ? { shard: config.shard } : {}),
        ...(syncLock && downloader
          ? {
              repair: {
                downloader,
                lock: syncLock,
                retry: new SyncStateStore({ metadata, objects: store, namespace: name }),
                ...(config.dl ? { dl: config.dl } : {}),
              },
            }
          : {}),
        signal,
        metrics,
        onEvent: (event) => {
          if (event.type === 'log') reporter.log(event.level, event.message, event.fields);
          else
            reporter.progress({
              checked: event.checked,
              percent: event.percent.toFixed(1),
              'MiB/s': (event.bytesPerSecond / 2 ** 20).toFixed(1),
              eta: event.etaSeconds === null ? '?' : `${event.etaSeconds}s`,
            });
        },
      });
      reporter.finish();
      return {
        summary,
        exitCode: summary.status === 'clean' ? ExitCode.Ok : ExitCode.PartialFailure,
      };
    } finally {
      await source.close();
    }
  } catch (error) {
    metrics.finished('failure', (performance.now() - started) / 1000);
    throw error;
  } finally {
    downloader?.close();
    await deliverMetrics(config, registry, reporter, 'lcs-verify');
    for (const lock of locks.reverse()) await lock.release();
    await metadata.close();
  }
}

/** The summary as people read it. */
export function formatVerifySummary(s: VerifySummary): string {
  const n = formatCount;
  const lines = [
    `verify     ${s.status}${s.complete ? '' : ' (resumable: run verify again)'}${s.shard ? `, shard ${s.shard}` : ''}${s.sample < 1 ? `, sample ${s.sample}` : ''}${s.resumed ? ', resumed' : ''} index ${s.index_commit?.slice(0, 12) ?? '(directory)'}`,
    `checked    ${n(s.checked)} of ${n(s.versions)} versions (${(s.bytes / 2 ** 20).toFixed(1)} MiB read${s.trusted_stored_checksum ? `; ${n(s.trusted)} by the stored checksum, bytes not read` : ''})`,
    `found      ${n(s.ok)} ok, ${n(s.corrupt)} corrupt, ${n(s.missing)} missing, ${n(s.unreadable)} unreadable, ${n(s.unexpected)} unexpected`,
  ];
  if (s.repair)
    lines.push(
      `repair     ${n(s.repaired)} repaired, ${n(s.repair_failed)} failed (on the retry list)`,
    );
  for (const kind of ['corrupt', 'missing', 'unreadable', 'unexpected'] as const)
    for (const f of s.first[kind])
      lines.push(
        `  ${kind.padEnd(11)} ${f.key}${f.bytes !== undefined ? ` ${f.bytes} bytes` : ''}${f.sha256 ? ` sha256 ${f.sha256.slice(0, 16)}...` : ''}${f.repair ? ` (${f.repair}${f.quarantine ? `, kept at ${f.quarantine}` : ''})` : ''}`,
      );
  lines.push(`took       ${s.duration_s.toFixed(2)} s`);
  return lines.join('\n');
}
