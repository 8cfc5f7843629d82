/**
 * `serve`: the webhook server. Syncs run through one scheduler (never two at once, at most one
 * queued), started by the signed webhook or the fallback interval; each sync takes the lock, so a
 * CronJob fetcher and this server never overlap either.
 */
import { LockHeldError } from '@lcs/crate-store';
import { createWebhookServer, SyncScheduler } from '@lcs/mirror';
import type { AddressInfo } from 'node:net';
import { createSnapshotApi, type SnapshotReader } from '@lcs/snapshot';
import { openApiReader, refreshAugmentedIndex } from './api-reader.js';
import type { ServeConfig } from './config.js';
import type { Reporter } from '@lcs/cli-kit';
import { markSyncWanted, openContext, syncOnce } from './sync-command.js';

/** How often an http(s) augmented index is fetched again while the API is in use. */
const AUGMENTED_REFRESH_MS = 5 * 60_000;

/** Runs until `signal` aborts; then stops accepting hooks, lets the running sync stop, closes. */
export async function runServe(
  config: ServeConfig,
  reporter: Reporter,
  signal: AbortSignal,
): Promise<void> {
  const context = openContext(config);
  const syncStop = new AbortController();
  const scheduler = new SyncScheduler(
    async (reason, request) => {
      reporter.log('info', `sync started (${reason})`);
      const summary = await syncOnce(config, context, reporter, syncStop.signal).catch(
        async (error: unknown) => {
          // The holder (another replica, the CronJob) runs again for this hook before it releases;
          // the retry below covers a hook that lands after its last look.
          if (error instanceof LockHeldError && !request.retry)
            await markSyncWanted(context.metadata, reason).catch((e: unknown) =>
              reporter.log('warn', `cannot record the wanted sync: ${(e as Error).message}`),
            );
          throw error;
        },
      );
      reporter.finish();
      reporter.log('info', 'sync finished', { ...summary });
    },
    {
      onError: (error) =>
        reporter.log('error', `sync failed: ${(error as Error).message}`, {
          code: (error as { code?: string }).code,
        }),
      // Another runner (the CronJob) holds the lock: the hook is kept and tried again.
      isBusy: (error) => {
        const busy = error instanceof LockHeldError;
        if (busy)
          reporter.log(
            'info',
            `lock busy (${error.message}): sync wanted; retried in ${config.busyRetrySeconds} s`,
          );
        return busy;
      },
      busyRetryMs: config.busyRetrySeconds * 1000,
    },
  );
  let reader: SnapshotReader | undefined;
  const server = createWebhookServer({
    scheduler,
    ...(config.webhookSecret ? { secret: config.webhookSecret } : {}),
    allowUnsigned: config.allowUnsignedWebhook,
    metrics: (request, response) => context.registry.handle(request, response),
    api: createSnapshotApi({
      reader: async () => (reader = await openApiReader(config, context, reporter)),
      token: config.apiToken,
      maxConcurrent: config.apiMaxConcurrent,
      onError: (error, request) =>
        reporter.log('error', `api ${request.url ?? ''}: ${(error as Error).message}`, {
          code: (error as { code?: unknown }).code,
        }),
    }),
    log: (level, message, fields) => reporter.log(level, message, fields),
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  reporter.log('info', 'serving', {
    port,
    webhook: config.webhookSecret
      ? 'signed'
      : config.allowUnsignedWebhook
        ? 'unsigned'
        : 'disabled',
    interval_minutes: config.intervalMinutes,
  });
  if (!config.webhookSecret && !config.allowUnsignedWebhook)
    reporter.log('warn', 'LCS_WEBHOOK_SECRET is not set: POST /_/index-webhook answers 403');
  // The API reads an http(s) augmented index at its newest fetch: fetched again every few minutes
  // on every replica (the backfiller commits hourly), one fetch at a time.
  let refreshing = false;
  const augmentedRefresh = setInterval(() => {
    if (!reader || refreshing) return;
    refreshing = true;
    void refreshAugmentedIndex(config, reporter).finally(() => (refreshing = false));
  }, AUGMENTED_REFRESH_MS);
  const interval =
    config.intervalMinutes > 0
      ? setInterval(() => scheduler.trigger('interval'), config.intervalMinutes * 60_000)
      : undefined;
  if (config.intervalMinutes > 0) scheduler.trigger('start-up');
  await new Promise<void>((resolve) =>
    signal.addEventListener('abort', () => resolve(), { once: true }),
  );
  reporter.log('info', 'stopping: no new syncs; the running one saves its progress');
  clearInterval(interval);
  clearInterval(augmentedRefresh);
  syncStop.abort();
  // close() stops Node's request timeouts: a client holding a half-sent request would keep the
  // process alive. Connections still open after the drain period are cut.
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const cut = setTimeout(() => server.closeAllConnections(), config.drainSeconds * 1000);
  await Promise.all([scheduler.close(), closed]);
  clearTimeout(cut);
  await reader?.close();
  await context.metadata.close();
}
