/**
 * One version as a snapshot shows it: the index entry, merged with its augmented line when that
 * line describes the same bytes (same `cksum`), and whether the store holds its `.crate`.
 */
import type { AugmentedDependency, AugmentedEntry } from '@lcs/augmented-index';
import type { IndexEntry } from '@lcs/index-reader';

/** A version of a snapshot: the index fields, the augmented fields, and two flags. */
export type SnapshotVersion = IndexEntry & {
  /** The store holds the `.crate` (its sha256 was verified against `cksum` when it was put). */
  readonly mirrored: boolean;
  /** An augmented line with this `cksum` was found; `false` when missing or stale. */
  readonly augmented: boolean;
  /** Dev-dependencies as the crate's Cargo.toml declares them (augmented). */
  readonly dev_deps?: AugmentedDependency[];
  /** The augmented fields the index lacks (present when `augmented`). */
  readonly edition?: string;
  readonly license?: string;
  readonly targets?: AugmentedEntry['targets'];
  readonly build_script?: boolean;
  readonly cargo_lock?: boolean;
  /** The augmented line's schema version. */
  readonly schema?: number;
  /**
   * Where a value came from: each field an operator set in the augmented index's
   * `.ais/overrides.json`, with the reason. Every other augmented value was generated.
   */
  readonly overrides?: Readonly<Record<string, { readonly reason: string }>>;
  /** Why the augmented line could not be generated (an unreadable crate), when it says so. */
  readonly augment_error?: { readonly code: string; readonly message: string };
};

// Fields of the augmented line that repeat the index entry: the index's own value is kept.
const SHARED = new Set(['name', 'vers', 'cksum', 'rust_version', 'links', 'error']);
const IDENTITY = new Set(['name', 'vers', 'cksum', 'deps', 'features', 'yanked']);

/** Merges an index entry with its augmented line (ignored unless the checksums match). */
export function mergeVersion(
  entry: IndexEntry,
  line: AugmentedEntry | undefined,
  mirrored: boolean,
): SnapshotVersion {
  if (!line || line.cksum !== entry.cksum) return { ...entry, mirrored, augmented: false };
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(line))
    if (!SHARED.has(key) && !(key in entry)) extra[key] = value;
  if (line.error) extra['augment_error'] = line.error;
  // An operator's correction is the one value that wins over the index's own (`rust_version`,
  // `links`): that is what it is for, and `overrides` says so beside it.
  let corrected: Record<string, unknown> = {};
  for (const key of Object.keys(line.overrides ?? {}))
    if (!IDENTITY.has(key)) corrected = { ...corrected, [key]: line[key] };
  return { ...entry, ...extra, ...corrected, mirrored, augmented: true };
}
