/**
 * What a sync must download, as a stream. Incremental: the tree diff between the cursor commit and
 * the new index commit (only changed crate files are read). Full: every version in the index that
 * the store's listing does not hold. Both also report what they saw (scanned crates and versions,
 * yank changes, deletions) for the summary and the metrics.
 */
import { CompactKeySet } from '../compact-key-set.js';
import { newMalformedReport, noteMalformed, type MalformedReport } from './malformed-lines.js';
import type { CrateStore, StoredCrate } from '@lcs/crate-store';
import {
  diffIndex,
  GitIndexSource,
  isYanked,
  readCrate,
  scanIndex,
  type ScannableIndexSource,
  type ScanOptions,
} from '@lcs/index-reader';

/** One crate version to mirror. */
export interface WorkItem {
  readonly name: string;
  readonly version: string;
  readonly cksum: string;
  readonly yanked: boolean;
  /** Whether the store may already hold it (incremental and retry items are checked first). */
  readonly checkStore: boolean;
  /**
   * The index re-published this version with other bytes (deleted and added in one diff): the
   * stored copy is stale and is replaced once the new body is verified.
   */
  readonly replace?: boolean;
  /**
   * The store holds this version: read it back and hash it, and download it again (replacing the
   * stored copy once the new body is verified) only when its bytes are not the index's.
   */
  readonly reread?: boolean;
}

/** What the plan saw while producing its items; complete once the stream ends. */
export interface PlanReport {
  mode: 'full' | 'incremental';
  scannedCrates: number;
  scannedVersions: number;
  /** Versions that became yanked or unyanked (nothing to download: yanked crates stay mirrored). */
  yankChanges: number;
  /** Versions removed from the index (reported; left in the store unless pruned). */
  deletedVersions: Array<{ name: string; version: string }>;
  /** Malformed lines: counted, the first ones named. */
  readonly malformed: MalformedReport;
  /** Index size, known after a full scan. */
  totals?: { crates: number; versions: number };
}

/** A report before any work was read: a full plan, nothing counted yet. */
export function newPlanReport(): PlanReport {
  return {
    mode: 'full',
    scannedCrates: 0,
    scannedVersions: 0,
    yankChanges: 0,
    deletedVersions: [],
    malformed: newMalformedReport(),
  };
}

/** Called once per crate file read, with its version count (for `index_crate_version_count`). */
export type CrateSeen = (name: string, versions: number) => void;

/** Full plan: every index version missing from `stored` (a set of `name@version`). */
export async function* planFull(
  source: ScannableIndexSource,
  stored: { has(key: string): boolean },
  report: PlanReport,
  onCrate?: CrateSeen,
  /** Keys (`name@version`) to look out for; the ones the index no longer has are reported deleted. */
  watch: ReadonlySet<string> = new Set(),
  /** Which crate files to read (a shard's own); the totals then count those only. */
  scan: ScanOptions = {},
  /** Yield the stored versions too, to be read back and checked (`reread`). */
  reread = false,
): AsyncGenerator<WorkItem> {
  const present = new Set<string>();
  let crates = 0;
  let versions = 0;
  for await (const file of scanIndex(source, scan)) {
    noteMalformed(report.malformed, file.errors);
    const name = file.entries[0]?.name;
    if (name === undefined) continue;
    crates++;
    versions += file.entries.length;
    report.scannedCrates++;
    report.scannedVersions += file.entries.length;
    onCrate?.(name, file.entries.length);
    for (const entry of file.entries) {
      if (watch.has(`${entry.name}@${entry.vers}`)) present.add(`${entry.name}@${entry.vers}`);
      const has = stored.has(`${entry.name}@${entry.vers}`);
      if (has && !reread) continue;
      yield {
        name: entry.name,
        version: entry.vers,
        cksum: entry.cksum,
        yanked: isYanked(entry),
        checkStore: false,
        ...(has ? { reread: true } : {}),
      };
    }
  }
  report.totals = { crates, versions };
  for (const id of watch) {
    if (present.has(id)) continue;
    const at = id.lastIndexOf('@');
    report.deletedVersions.push({ name: id.slice(0, at), version: id.slice(at + 1) });
  }
}

/** Incremental plan: versions added between `fromCommit` and the source's commit. */
export async function* planIncremental(
  source: GitIndexSource,
  fromCommit: string,
  report: PlanReport,
  onCrate?: CrateSeen,
  /** Which changed crate files to read (a shard's own). */
  filter?: (path: string) => boolean,
): AsyncGenerator<WorkItem> {
  const diffs = diffIndex(source.store, fromCommit, source.commit.oid, filter ? { filter } : {});
  for await (const diff of diffs) {
    noteMalformed(report.malformed, diff.errors);
    report.scannedCrates++;
    const name = diff.path.slice(diff.path.lastIndexOf('/') + 1);
    const deleted = new Set<string>();
    for (const c of diff.changes) if (c.kind === 'VersionDeleted') deleted.add(c.vers);
    const added = new Set<string>();
    for (const c of diff.changes)
      if (c.kind === 'Added' || c.kind === 'AddedAndYanked') added.add(c.vers);
    for (const change of diff.changes) {
      switch (change.kind) {
        case 'Added':
        case 'AddedAndYanked':
          report.scannedVersions++;
          yield {
            name: change.name,
            version: change.vers,
            cksum: change.cksum,
            yanked: change.kind === 'AddedAndYanked',
            checkStore: !deleted.has(change.vers),
            ...(deleted.has(change.vers) ? { replace: true } : {}),
          };
          break;
        case 'Yanked':
        case 'Unyanked':
          report.yankChanges++;
          break;
        case 'VersionDeleted':
          // A version deleted and added again is a re-publish, not a deletion.
          if (!added.has(change.vers))
            report.deletedVersions.push({ name: change.name, version: change.vers });
          break;
        case 'CrateDeleted':
          for (const entry of change.versions)
            report.deletedVersions.push({ name: entry.name, version: entry.vers });
          break;
      }
    }
    if (onCrate) {
      const file = await readCrate(source, name);
      onCrate(file?.entries[0]?.name ?? name, file?.entries.length ?? 0);
    }
  }
}

/**
 * Every stored crate as `name@version`, in a {@link CompactKeySet} (about 30 bytes per stored
 * version); with `keep`, only the crates whose name passes (a shard's own: 1/N of the memory).
 */
export async function storedSet(
  store: CrateStore,
  signal?: AbortSignal,
  keep?: (name: string) => boolean,
): Promise<CompactKeySet> {
  const stored = new CompactKeySet();
  for await (const crate of store.list({ signal }) as AsyncIterable<StoredCrate>)
    if (keep?.(crate.name) ?? true) stored.add(`${crate.name}@${crate.version}`);
  return stored;
}

/** Whether the commit object is in the local repository (a cursor from another clone may not be). */
export async function hasCommit(source: GitIndexSource, oid: string): Promise<boolean> {
  const object = await source.store.readObject(oid).catch(() => undefined);
  return object?.type === 'commit';
}
