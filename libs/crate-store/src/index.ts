/**
 * `@lcs/crate-store`: where mirrored crates and the services' state live. Crate stores on the
 * filesystem or S3, metadata in files or etcd, and a single-runner lock with a lease. The S3 store
 * itself and its client are in `@lcs/crate-store/s3`, so this entry needs no AWS SDK types.
 * @packageDocumentation
 */
export {
  assertCksum,
  assertCrateRef,
  crateId,
  crateKey,
  CRATES_PREFIX,
  parseCrateKey,
  toCrateRef,
  toCrateToStore,
  type CrateRef,
  type CrateRefInput,
  type CrateToStore,
  type CrateToStoreInput,
} from './crate-key.js';
export type {
  CrateBody,
  CrateStore,
  PutOptions,
  PutOutcome,
  PutResult,
  StoredCrate,
} from './crate-store.js';
export type { SweepResult } from './io/temp-files.js';
export {
  ChecksumMismatchError,
  CrateRefError,
  CrateStoreError,
  CrateTooLargeError,
  LockHeldError,
  LockLostError,
  MetadataError,
  SdkMissingError,
  StoreFailedError,
  StoreUrlError,
  type CrateStoreErrorCode,
  type ErrorKind,
  type MetadataErrorCode,
} from './errors.js';
export {
  EtcdMetadataStore,
  type EtcdMetadataStoreOptions,
} from './metadata/etcd-metadata-store.js';
export { FileMetadataStore } from './metadata/file-metadata-store.js';
export { FsCrateStore, type FsCrateStoreOptions } from './fs/fs-crate-store.js';
export {
  assertMetadataKey,
  MAX_METADATA_VALUE_BYTES,
  type MetadataStore,
  type MetadataWriteOptions,
} from './metadata/metadata-store.js';
export {
  DEFAULT_STORE_URL,
  openCrateStore,
  parseStoreUrl,
  type OpenCrateStoreOptions,
  type StoreLocation,
} from './open-crate-store.js';
export {
  DEFAULT_METADATA_URL,
  openMetadataStore,
  parseMetadataUrl,
  type MetadataLocation,
} from './metadata/open-metadata-store.js';
export { defaultOwner, type LockOptions, type RunnerLock } from './metadata/runner-lock.js';
export type { S3ClientLike, S3ClientOptions } from './s3/s3-options.js';
export { STATE_PREFIX } from './state-key.js';
export { readStateJson, writeStateJson, type StateObjectRef } from './state-object.js';
export { MAX_SINGLE_PUT_BYTES } from './io/verified-body.js';
