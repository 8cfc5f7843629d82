/**
 * `@lcs/mirror`: mirror a crates registry into a crate store. Plan from an index diff or a full
 * scan, download with verification and retries, record failures, move the cursor safely, and
 * coalesce webhook-triggered syncs.
 * @packageDocumentation
 */
export { Downloader, type DownloaderOptions, type DownloadResult } from './download/downloader.js';
export {
  DownloadError,
  DownloadFailedError,
  MirrorError,
  type ErrorKind,
  type MirrorErrorCode,
} from './errors.js';
export { classifyFailure, type Failure } from './download/failure.js';
export { storedSet } from './sync/sync-plan.js';
export {
  runSync,
  type SyncEvent,
  type SyncOptions,
  type SyncStatus,
  type SyncSummary,
} from './sync/sync-run.js';
export {
  SyncStateStore,
  type FailedVersion,
  type IndexCursor,
  type RunRecord,
  type SyncStateStoreOptions,
} from './sync/sync-state.js';
export type { SnapshotRecorder } from './sync/sync-finish.js';
export {
  runVerify,
  type VerifyEvent,
  type VerifyOptions,
  type VerifyRepair,
  type VerifyStatus,
  type VerifySummary,
} from './verify/verify-run.js';
export {
  VerifyStateStore,
  type VerifyCounts,
  type VerifyCursor,
  type VerifyFinding,
  type VerifyRecord,
} from './verify/verify-state.js';
export { SyncScheduler, type SchedulerState, type SyncRequest } from './sync/sync-scheduler.js';
export { signBody, verifySignature } from './webhook/webhook-signature.js';
export { createWebhookServer, type WebhookServerOptions } from './webhook/webhook-server.js';
