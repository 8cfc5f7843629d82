/**
 * Small durable state shared between runs (cursors, retry lists, run summaries) and the
 * single-runner lock. Values are bounded so the same code works against etcd, whose requests are
 * limited to 1.5 MiB (https://etcd.io/docs/v3.5/dev-guide/limit/); larger state goes to the crate
 * store as an object and the metadata holds a pointer to it (see `SyncStateStore`).
 */
import { MetadataError } from '../errors.js';
import type { LockOptions, RunnerLock } from './runner-lock.js';

/** Largest value accepted by every backend (1 MiB, under etcd's 1.5 MiB request limit). */
export const MAX_METADATA_VALUE_BYTES = 1024 * 1024;

/** Options of metadata writes. */
export interface MetadataWriteOptions {
  /** Fence the write with this lock: it fails with `LockLostError` instead of writing once lost. */
  readonly lock?: RunnerLock;
}

/** Key-value metadata with a single-runner lock. */
export interface MetadataStore {
  /** Where the metadata is, for logs. */
  readonly location: string;
  /** The value of `key`, or `undefined` when never written or deleted. */
  get(key: string): Promise<string | undefined>;
  /** Writes `value` under `key` atomically. */
  put(key: string, value: string, options?: MetadataWriteOptions): Promise<void>;
  /** Removes `key` (no error when absent). */
  delete(key: string, options?: MetadataWriteOptions): Promise<void>;
  /**
   * Takes the lock `options.name` at once or throws `LockHeldError` naming the holder. The returned
   * lock renews its lease in the background; when renewal fails its `signal` aborts.
   */
  acquireLock(options?: LockOptions): Promise<RunnerLock>;
  /**
   * Who holds lock `name` (as the holder described itself), or `undefined` when nobody does; reads
   * only, so a status command never stands in a runner's way.
   */
  lockHolder(name: string): Promise<string | undefined>;
  /** Releases connections (not the locks: release those first). */
  close(): Promise<void>;
}

const KEY = /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/;

/** Throws `MetadataError` (`METADATA_KEY_INVALID`) unless `key` is lowercase `/`-separated segments. */
export function assertMetadataKey(key: string): string {
  if (!KEY.test(key) || key.includes('..') || key.length > 200) {
    throw new MetadataError(
      'METADATA_KEY_INVALID',
      key,
      'a key is up to 200 characters of lowercase segments [a-z0-9._-] separated by "/"',
    );
  }
  return key;
}

/** Throws `MetadataError` (`METADATA_VALUE_TOO_LARGE`) when `value` exceeds {@link MAX_METADATA_VALUE_BYTES}. */
export function assertMetadataValue(key: string, value: string): void {
  const bytes = Buffer.byteLength(value);
  if (bytes > MAX_METADATA_VALUE_BYTES) {
    throw new MetadataError(
      'METADATA_VALUE_TOO_LARGE',
      key,
      `value of ${bytes} bytes exceeds ${MAX_METADATA_VALUE_BYTES}; store it as an object in the crate store`,
    );
  }
}
