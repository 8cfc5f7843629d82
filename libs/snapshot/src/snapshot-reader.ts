import { existsSync } from 'node:fs';
/**
 * Opens snapshots of a mirrored index and lists the changes between two of them. One reader serves
 * many snapshots (an HTTP server opens one per request): it holds the object stores, each snapshot
 * reads at its own commit.
 */
import type { CrateStore } from '@lcs/crate-store';
import {
  diffIndex,
  IndexReaderError,
  type GitCommitInfo,
  type GitObjectStore,
  type IndexEntry,
} from '@lcs/index-reader';
import { findGitDir, openObjectStore, readCommitInfo } from '@lcs/index-reader/git';
import { mapOrdered } from '@lcs/internal';
import { SnapshotError } from './errors.js';
import type { SnapshotHistory, SnapshotRecord } from './history/snapshot-history.js';
import { assertSnapshotPoint, type SnapshotPoint } from './snapshot-point.js';
import { mergeEntries, Snapshot, type SnapshotParts } from './snapshot.js';
import type { SnapshotVersion } from './snapshot-version.js';

/** Options of {@link SnapshotReader}. */
export interface SnapshotReaderOptions {
  /** The index repository's objects (`GitIndexSource.store`, or `openObjectStore` of `@lcs/index-reader/git`). */
  readonly index: GitObjectStore;
  /** The augmented index repository's objects, read at `augmentedRev` as it is when a snapshot opens. */
  readonly augmented?: GitObjectStore | undefined;
  /**
   * The augmented index's revision (default `HEAD`); a fetch cache names its own ref
   * (`FETCHED_REF` of `@lcs/index-reader/git`).
   */
  readonly augmentedRev?: string | undefined;
  /** The crate store (only `has` and `get` are used). */
  readonly store: Pick<CrateStore, 'has' | 'get'>;
  /** The recorded history; without it only commits and refs can be opened. */
  readonly history?: SnapshotHistory | undefined;
  /** Store lookups in flight (default 16). */
  readonly concurrency?: number;
  /**
   * Called once when a recorded commit (one of the history) is not in the index repository, before
   * giving up: a fetch cache that never saw it (a webhook replica started after it) fetches it
   * here (`fetchRemoteCommit` of `@lcs/index-reader/git`), and the reader looks again. Commits the
   * history does not know are never fetched.
   */
  readonly fetchCommit?: (commit: string) => Promise<void>;
}

/** Options of {@link SnapshotReader.openPaths}. */
export interface SnapshotPathsOptions extends Omit<SnapshotReaderOptions, 'index' | 'augmented'> {
  /** The index repository (work tree or bare). */
  readonly index: string;
  /** The augmented index repository (work tree or bare). */
  readonly augmented?: string | undefined;
}

/** Where a change stands in the diff: its file, and its place among the file's changes. */
export interface ChangePosition {
  readonly path: string;
  readonly index: number;
}

/** A change between two snapshots, with the version merged as the newer snapshot shows it. */
export interface SnapshotChange {
  readonly kind:
    'Added' | 'AddedAndYanked' | 'Yanked' | 'Unyanked' | 'VersionDeleted' | 'CrateDeleted';
  readonly name: string;
  readonly vers: string;
  readonly cksum: string;
  /** The version after the change (before it, for deletions), merged and flagged. */
  readonly version: SnapshotVersion;
  /** Where it stands, for resuming with `after`. */
  readonly position: ChangePosition;
}

/** Options of {@link SnapshotReader.changes}. */
export interface ChangesOptions {
  /** Resume after this change (a page cursor). */
  readonly after?: ChangePosition;
}

type FlatChange = { readonly kind: SnapshotChange['kind']; readonly entry: IndexEntry };

/** Opens snapshots and diffs them. */
export class SnapshotReader {
  readonly #options: SnapshotReaderOptions;
  readonly #owned: GitObjectStore[];

  constructor(options: SnapshotReaderOptions, owned: GitObjectStore[] = []) {
    this.#options = options;
    this.#owned = owned;
  }

  /**
   * Opens the repositories at these paths; {@link close} closes them.
   * @throws {SnapshotError} `SNAPSHOT_INDEX_UNSUPPORTED` when the index is not a git repository,
   *   `SNAPSHOT_NOT_FOUND` when there is nothing at the path yet.
   */
  static async openPaths(options: SnapshotPathsOptions): Promise<SnapshotReader> {
    const gitdir = (path: string) => {
      if (!existsSync(path))
        throw new SnapshotError(
          'SNAPSHOT_NOT_FOUND',
          path,
          `${path} does not exist (yet): no snapshot before the first sync fetched the index`,
        );
      const dir = findGitDir(path);
      if (!dir)
        throw new SnapshotError(
          'SNAPSHOT_INDEX_UNSUPPORTED',
          path,
          `${path} is not a git repository: snapshots are commits of a git index`,
        );
      return dir;
    };
    const index = await openObjectStore(gitdir(options.index));
    const augmented = options.augmented
      ? await openObjectStore(gitdir(options.augmented)).catch(async (error: unknown) => {
          await index.close();
          throw error;
        })
      : undefined;
    const owned = augmented ? [index, augmented] : [index];
    return new SnapshotReader({ ...options, index, augmented }, owned);
  }

  /** The history the reader was given, if any. */
  get history(): SnapshotHistory | undefined {
    return this.#options.history;
  }

  async #commit(rev: string): Promise<GitCommitInfo> {
    const { index, fetchCommit } = this.#options;
    const unknown = (cause: unknown) =>
      new SnapshotError(
        'SNAPSHOT_COMMIT_UNKNOWN',
        rev,
        `${rev} is not a commit of the index repository ${index.gitdir}`,
        { cause },
      );
    try {
      const oid = /^[0-9a-f]{40}$/.test(rev) ? rev : await index.resolveCommit(rev);
      return await readCommitInfo(index, oid);
    } catch (error) {
      if (!(error instanceof IndexReaderError)) throw error;
      // Only a recorded commit is fetched: any id a client sends would otherwise make this
      // process ask the upstream index for it, one fetch per request.
      if (!fetchCommit || !/^[0-9a-f]{40}$/.test(rev) || !(await this.#options.history?.find(rev)))
        throw unknown(error);
    }
    try {
      await fetchCommit(rev);
      return await readCommitInfo(index, rev);
    } catch (error) {
      if (!(error instanceof IndexReaderError)) throw error;
      throw unknown(error);
    }
  }

  async #record(point: SnapshotPoint): Promise<SnapshotRecord | undefined> {
    if (point !== 'latest' && !('time' in point)) return undefined;
    const history = this.#options.history;
    const what = point === 'latest' ? 'latest' : point.time.toISOString();
    const record = point === 'latest' ? await history?.latest() : await history?.at(point.time);
    if (!record)
      throw new SnapshotError(
        'SNAPSHOT_NOT_FOUND',
        what,
        !history
          ? `no snapshot history was given: open a commit or a ref`
          : point === 'latest'
            ? 'no snapshot recorded yet: the mirror has not completed a sync'
            : `no snapshot recorded at or before ${what}`,
      );
    return record;
  }

  /** What a snapshot reads; the augmented index at `augmentedCommit` (resolved now when absent). */
  async #parts(augmentedCommit?: string | null): Promise<SnapshotParts> {
    const { augmented, store } = this.#options;
    const commit =
      augmentedCommit !== undefined
        ? (augmentedCommit ?? undefined)
        : augmented
          ? await augmented
              .resolveCommit(this.#options.augmentedRev ?? 'HEAD')
              .catch(() => undefined)
          : undefined;
    return {
      index: this.#options.index,
      augmented: augmented && commit ? { store: augmented, commit } : undefined,
      store,
      concurrency: this.#options.concurrency ?? 16,
    };
  }

  /**
   * Opens the snapshot at `point`. A commit or ref opens even if it was never recorded (its
   * `mirroredAt` is `null`; the `mirrored` flags say what the store holds).
   * @throws {SnapshotError} `SNAPSHOT_NOT_FOUND`, `SNAPSHOT_COMMIT_UNKNOWN`, or
   *   `SNAPSHOT_POINT_INVALID` for a point of another shape.
   */
  async open(point: SnapshotPoint): Promise<Snapshot> {
    assertSnapshotPoint(point);
    const record = await this.#record(point);
    // `latest` and a time were answered by the history; a commit or a ref is read as it is.
    const rev = record
      ? record.commit
      : typeof point === 'object' && 'commit' in point
        ? point.commit
        : (point as { readonly ref: string }).ref;
    const commit = await this.#commit(rev);
    const known = record ?? (await this.#options.history?.find(commit.oid));
    return new Snapshot(await this.#parts(), commit, known);
  }

  /**
   * The changes from snapshot `from` to snapshot `to`, in index path order (within a file:
   * deletions, then additions and yank changes, as `diffIndex` orders them). Cost follows the
   * change, not the index: only differing subtrees and changed files are read.
   */
  async *changes(
    from: Snapshot,
    to: Snapshot,
    options: ChangesOptions = {},
  ): AsyncGenerator<SnapshotChange> {
    const { after } = options;
    // Merged as `to` shows them: the augmented commit it was opened with, not a newer one.
    const parts = await this.#parts(to.augmentedCommit);
    const diffs = diffIndex(parts.index, from.commit, to.commit, {
      ...(after ? { filter: (path: string) => path >= after.path } : {}),
    });
    const merged = mapOrdered(diffs, 8, async (diff) => {
      const flat = diff.changes.flatMap((change): FlatChange[] =>
        change.kind === 'CrateDeleted'
          ? change.versions.map((entry) => ({ kind: change.kind, entry }))
          : [{ kind: change.kind, entry: change.entry }],
      );
      const versions = await mergeEntries(
        parts,
        diff.path,
        flat.map((c) => c.entry),
      );
      return flat.map((c, index): SnapshotChange => ({
        kind: c.kind,
        name: c.entry.name,
        vers: c.entry.vers,
        cksum: c.entry.cksum,
        version: versions[index] as SnapshotVersion,
        position: { path: diff.path, index },
      }));
    });
    for await (const changes of merged)
      for (const change of changes)
        if (!after || change.position.path > after.path || change.position.index > after.index)
          yield change;
  }

  /** Closes the object stores {@link openPaths} opened. */
  async close(): Promise<void> {
    await Promise.all(this.#owned.map((store) => store.close()));
  }
}
