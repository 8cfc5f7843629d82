import { isYanked, type IndexEntry } from '../entry/index-entry.js';

/** How one version changed between two states of the index. */
export type VersionChangeKind =
  'Added' | 'AddedAndYanked' | 'Yanked' | 'Unyanked' | 'VersionDeleted';

/** A change to one version. */
export interface VersionChange {
  readonly kind: VersionChangeKind;
  /** Crate name in the index's case. */
  readonly name: string;
  readonly vers: string;
  readonly cksum: string;
  /** The entry after the change (before it, for `VersionDeleted`). */
  readonly entry: IndexEntry;
}

/** A crate whose whole file disappeared. */
export interface CrateDeleted {
  readonly kind: 'CrateDeleted';
  readonly name: string;
  /** The versions it had. */
  readonly versions: IndexEntry[];
}

/** Any change {@link diffIndex} reports. */
export type IndexChange = VersionChange | CrateDeleted;

function key(entry: IndexEntry): string {
  return `${entry.vers}\u0000${entry.cksum}`;
}

/**
 * Compares two versions lists of one crate. Versions are matched by version *and* checksum, so a
 * version re-published with other bytes shows as `VersionDeleted` followed by `Added`: a mirror must
 * fetch it again. Output order: deletions in old file order, then additions and yank changes in new
 * file order.
 */
export function diffVersions(
  before: readonly IndexEntry[],
  after: readonly IndexEntry[],
): VersionChange[] {
  const old = new Map(before.map((e) => [key(e), e]));
  const now = new Set(after.map(key));
  const changes: VersionChange[] = [];
  const change = (kind: VersionChangeKind, entry: IndexEntry): VersionChange => ({
    kind,
    name: entry.name,
    vers: entry.vers,
    cksum: entry.cksum,
    entry,
  });
  for (const entry of before)
    if (!now.has(key(entry))) changes.push(change('VersionDeleted', entry));
  for (const entry of after) {
    const previous = old.get(key(entry));
    if (!previous) changes.push(change(isYanked(entry) ? 'AddedAndYanked' : 'Added', entry));
    else if (isYanked(previous) !== isYanked(entry)) {
      changes.push(change(isYanked(entry) ? 'Yanked' : 'Unyanked', entry));
    }
  }
  return changes;
}
