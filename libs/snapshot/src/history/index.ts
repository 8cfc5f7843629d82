/**
 * `@lcs/snapshot/history`: the recorded history of a mirror (when each index commit was synced),
 * for the services that record snapshots and those that resolve a time to one.
 */
export {
  SnapshotHistory,
  type SnapshotHistoryOptions,
  type SnapshotRecord,
} from './snapshot-history.js';
