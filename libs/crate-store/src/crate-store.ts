/**
 * The one interface every crate store backend implements. Backends are chosen by URL with
 * `openCrateStore`; callers never need to know which one they hold.
 */
import type { SweepResult } from './io/temp-files.js';
import type { CrateRef, CrateRefInput, CrateToStoreInput } from './crate-key.js';

/** A body to store: bytes in memory, or a stream of chunks (an HTTP response, a file stream). */
export type CrateBody = Uint8Array | AsyncIterable<Uint8Array>;

/** What `put` did: `stored` wrote the object, `exists` found it already there and wrote nothing. */
export type PutOutcome = 'stored' | 'exists';

/** Result of {@link CrateStore.put}. */
export interface PutResult {
  readonly outcome: PutOutcome;
  /** The object key, e.g. `crates/serde/serde-1.0.0.crate`. */
  readonly key: string;
  /** Bytes of the verified body (0 when the body was not read because the object existed). */
  readonly bytes: number;
}

/** One stored crate, as listed. */
export interface StoredCrate extends CrateRef {
  readonly key: string;
  /** Object size in bytes. */
  readonly size: number;
}

/** Options of {@link CrateStore.put}. */
export interface PutOptions {
  /** Aborting stops reading the body; nothing is stored. */
  readonly signal?: AbortSignal;
  /**
   * Replace an existing object (after the new body is verified, atomically). For a version the
   * index re-published with other bytes; without it an existing key is never overwritten.
   */
  readonly replace?: boolean;
}

/**
 * A place that holds `.crate` files under `crates/{name}/{name}-{version}.crate`, plus a few small
 * state objects of the services under `_lcs/` (state too large for the metadata store).
 *
 * Invariant of every backend: an object under a final crate key is complete and its sha256 equals
 * the index `cksum` it was put with. A failed, aborted or killed put leaves no final key.
 */
export interface CrateStore {
  /** Where the store is, for logs (never contains credentials). */
  readonly location: string;
  /** Whether the crate version is stored. `vers` is read as `version`: an index entry can be passed. */
  has(ref: CrateRefInput): Promise<boolean>;
  /** A stream of the stored `.crate`, or `undefined` when it is not stored. */
  get(ref: CrateRefInput): Promise<AsyncIterable<Uint8Array> | undefined>;
  /**
   * Stores `body` under the crate's key after verifying its sha256 against `crate.cksum`.
   * Throws `ChecksumMismatchError`, `CrateTooLargeError` or `StoreFailedError`, storing nothing.
   * When the key already exists, returns `exists` (the body is released unread where possible).
   */
  put(crate: CrateToStoreInput, body: CrateBody, options?: PutOptions): Promise<PutResult>;
  /** Removes a stored crate version (used only when an operator asks to prune); `false` if absent. */
  delete(ref: CrateRefInput): Promise<boolean>;
  /** Every stored crate, page by page, in key order. Keys that are not crate keys are skipped. */
  list(options?: { readonly signal?: AbortSignal }): AsyncIterable<StoredCrate>;
  /** Reads a state object under `_lcs/`; `undefined` when absent. */
  readObject(key: string): Promise<Uint8Array | undefined>;
  /** Writes a state object under `_lcs/` atomically (whole or not at all). */
  writeObject(key: string, bytes: Uint8Array): Promise<void>;
  /**
   * Removes the temporary files (partial bodies, spool files) that killed puts left behind: at once
   * those of a process of this host that is gone, and any untouched for longer than `olderThanMs`.
   * Optional: a store that leaves none need not have it. A sync calls it at its start.
   */
  sweepTemporary?(options: { readonly olderThanMs: number }): Promise<SweepResult>;
  /**
   * Copies the stored object of `ref`, as it is (never read into memory), to the state object
   * `key` under `_lcs/`; `false` when `ref` is not stored. A scrub keeps a damaged copy this way
   * (its quarantine) before the key is replaced. Optional: without it the caller reads the object
   * and writes it with {@link CrateStore.writeObject}.
   */
  copyToState?(ref: CrateRefInput, key: string): Promise<boolean>;
  /**
   * The sha256 (hex) the backend recorded when the object was written, such as S3's
   * `x-amz-checksum-sha256`; `undefined` when it keeps none or `ref` is not stored. It says what was
   * uploaded, not what the disks hold now: a scrub trusts it only when told to.
   */
  storedChecksum?(ref: CrateRefInput): Promise<string | undefined>;
  /**
   * The path of the object of `ref` on this machine's file system, for a store on local disk (it
   * may not exist). A scrub hashes such files in worker threads, which open them by path; only read
   * it, a write must go through {@link CrateStore.put}. Optional: a remote store has none.
   */
  localFile?(ref: CrateRefInput): string;
}
