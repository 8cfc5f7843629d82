/**
 * Errors thrown by `@lcs/snapshot`: a stable `code`, the offending input (a point, a commit, a
 * crate version, a metadata key) and `cause`. A caller classifies by class or by
 * {@link SnapshotErrorCode}, never by message.
 */
import { LcsError, type ErrorKind } from '@lcs/internal';

export type { ErrorKind };

/** Stable error codes of this library. */
export type SnapshotErrorCode =
  /** No recorded snapshot answers the point (none yet, or none at or before the time). */
  | 'SNAPSHOT_NOT_FOUND'
  /** The commit or ref is not in the index repository (never fetched, or a typo). */
  | 'SNAPSHOT_COMMIT_UNKNOWN'
  /** A point, a time or a page cursor that cannot be read. */
  | 'SNAPSHOT_POINT_INVALID'
  /** The snapshot does not list that crate version. */
  | 'SNAPSHOT_VERSION_UNKNOWN'
  /** The snapshot lists the version but the store does not hold its `.crate` (yet). */
  | 'SNAPSHOT_NOT_MIRRORED'
  /** The stored bytes do not hash to the index `cksum`: the stream is cut, nothing is trusted. */
  | 'SNAPSHOT_CHECKSUM_MISMATCH'
  /** The recorded history (metadata value or its archive object) is not valid. */
  | 'SNAPSHOT_HISTORY_CORRUPT'
  /** The index is not a git repository: snapshots are index commits. */
  | 'SNAPSHOT_INDEX_UNSUPPORTED';

/** The kind of each code: a code added without one fails to compile. */
const KINDS = {
  SNAPSHOT_NOT_FOUND: 'bad-input',
  SNAPSHOT_COMMIT_UNKNOWN: 'bad-input',
  SNAPSHOT_POINT_INVALID: 'bad-input',
  SNAPSHOT_VERSION_UNKNOWN: 'bad-input',
  SNAPSHOT_NOT_MIRRORED: 'transient',
  SNAPSHOT_CHECKSUM_MISMATCH: 'transient',
  SNAPSHOT_HISTORY_CORRUPT: 'bug',
  SNAPSHOT_INDEX_UNSUPPORTED: 'bad-input',
} as const satisfies Record<SnapshotErrorCode, ErrorKind>;

/** An error of `@lcs/snapshot`. */
export class SnapshotError extends LcsError<SnapshotErrorCode> {
  /** What was asked for: the point, commit, `name@vers` or metadata key. */
  declare readonly input: string;

  constructor(code: SnapshotErrorCode, input: string, message: string, options?: ErrorOptions) {
    super(code, input, KINDS[code], message, options);
  }
}
