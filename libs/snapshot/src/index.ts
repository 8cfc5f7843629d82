/**
 * `@lcs/snapshot`: what the registry held at a point, as the mirror holds it. Open a snapshot (the
 * newest, an index commit, a ref, or a time) and read its crates and versions merged with the
 * augmented index and flagged with what the store holds; stream a version's verified `.crate`; list
 * the changes between two snapshots; the HTTP read API `lcs-fetcher serve` mounts. The snapshot
 * history the fetcher records is its own door, `@lcs/snapshot/history`.
 * @packageDocumentation
 */
export { SnapshotError, type ErrorKind, type SnapshotErrorCode } from './errors.js';
export {
  isCommitId,
  parseRfc3339,
  parseSnapshotPoint,
  type SnapshotPoint,
} from './snapshot-point.js';
export { type SnapshotVersion } from './snapshot-version.js';
export { Snapshot } from './snapshot.js';
export {
  SnapshotReader,
  type ChangePosition,
  type ChangesOptions,
  type SnapshotChange,
  type SnapshotPathsOptions,
  type SnapshotReaderOptions,
} from './snapshot-reader.js';
export {
  createSnapshotApi,
  type SnapshotApiHandler,
  type SnapshotApiOptions,
} from './api/snapshot-api.js';
