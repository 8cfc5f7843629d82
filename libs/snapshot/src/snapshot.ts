/**
 * One snapshot: the index fixed at a commit, joined with the augmented index and the crate store.
 * Every read is of that commit's tree, so a snapshot stays consistent while the mirror moves on.
 */
import { createHash } from 'node:crypto';
import { parseEntry, type AugmentedEntry } from '@lcs/augmented-index';
import type { CrateStore } from '@lcs/crate-store';
import {
  indexPath,
  isIndexFilePath,
  parseIndexFile,
  type GitCommitInfo,
  type GitObjectStore,
  type IndexEntry,
} from '@lcs/index-reader';
import { walkTree } from '@lcs/index-reader/git';
import { mapOrdered } from '@lcs/internal';
import { SnapshotError } from './errors.js';
import type { SnapshotRecord } from './history/snapshot-history.js';
import { mergeVersion, type SnapshotVersion } from './snapshot-version.js';

/** What a snapshot reads: the stores, and the augmented index's commit (when there is one). */
export interface SnapshotParts {
  readonly index: GitObjectStore;
  readonly augmented: { readonly store: GitObjectStore; readonly commit: string } | undefined;
  readonly store: Pick<CrateStore, 'has' | 'get'>;
  /** Store lookups in flight per crate. */
  readonly concurrency: number;
}

/**
 * Reads the augmented lines of a crate, by version; with `wanted`, only those versions' lines are
 * validated (a change needs one line of the file, not all of them).
 */
export async function augmentedLines(
  parts: SnapshotParts,
  path: string,
  wanted?: ReadonlySet<string>,
): Promise<Map<string, AugmentedEntry>> {
  const lines = new Map<string, AugmentedEntry>();
  if (!parts.augmented) return lines;
  const text = await parts.augmented.store.readPath(parts.augmented.commit, path);
  for (const line of text?.toString('utf8').split('\n') ?? []) {
    if (line.trim() === '') continue;
    // The writer puts `vers` second (formatEntry); a line that says otherwise is parsed anyway.
    const vers = /^\{"name":"[^"]*","vers":("[^"\\]*")/.exec(line)?.[1];
    if (wanted && vers !== undefined && !wanted.has(JSON.parse(vers) as string)) continue;
    const entry = parseEntry(line);
    if (entry) lines.set(entry.vers, entry);
  }
  return lines;
}

/**
 * Merges entries of one crate file with its augmented lines and the store's answer. The store is
 * asked while the augmented file is read (`lines`, when the caller started that read already).
 */
export async function mergeEntries(
  parts: SnapshotParts,
  path: string,
  entries: readonly IndexEntry[],
  lines: Promise<Map<string, AugmentedEntry>> = augmentedLines(
    parts,
    path,
    new Set(entries.map((e) => e.vers)),
  ),
): Promise<SnapshotVersion[]> {
  lines.catch(() => undefined);
  const flags: boolean[] = [];
  for await (const mirrored of mapOrdered(entries, parts.concurrency, (entry) =>
    parts.store.has({ name: entry.name, version: entry.vers }),
  ))
    flags.push(mirrored);
  const byVers = await lines;
  return entries.map((entry, i) => mergeVersion(entry, byVers.get(entry.vers), flags[i] === true));
}

/** An open snapshot (from {@link SnapshotReader.open}). */
export class Snapshot {
  /** The index commit. */
  readonly commit: string;
  /** Its committer time, RFC 3339. */
  readonly committedAt: string;
  /** When the mirror recorded it complete; `null` for a commit that was never recorded. */
  readonly mirroredAt: string | null;
  /** Versions that were on the retry list when it was recorded (`null`: not recorded). */
  readonly missing: number | null;
  /** The augmented index commit read for this snapshot, `null` without one. */
  readonly augmentedCommit: string | null;
  readonly #parts: SnapshotParts;
  readonly #tree: string;

  /** @internal Use {@link SnapshotReader.open}. */
  constructor(parts: SnapshotParts, commit: GitCommitInfo, record: SnapshotRecord | undefined) {
    this.#parts = parts;
    this.#tree = commit.tree;
    this.commit = commit.oid;
    this.committedAt = new Date(commit.committedAt * 1000).toISOString();
    this.mirroredAt = record?.mirroredAt ?? null;
    this.missing = record?.missing ?? null;
    this.augmentedCommit = parts.augmented?.commit ?? null;
  }

  /** Every crate of the snapshot by its (lowercased) index file name, in index path order. */
  async *crates(): AsyncGenerator<string> {
    for await (const file of walkTree(this.#parts.index, this.#tree))
      if (isIndexFilePath(file.path)) yield file.path.slice(file.path.lastIndexOf('/') + 1);
  }

  /**
   * The versions of crate `name` in index order, merged and flagged; `undefined` when the snapshot
   * has no such crate. Malformed index lines are left out, as cargo leaves them out.
   * @throws {InvalidCrateNameError} (from `@lcs/index-reader`) for a name no crate can have.
   */
  async versions(name: string): Promise<SnapshotVersion[] | undefined> {
    const path = indexPath(name);
    // The index file and the augmented file are read at once (two git processes).
    const lines = augmentedLines(this.#parts, path);
    lines.catch(() => undefined);
    const content = await this.#parts.index.readPath(this.commit, path);
    if (content === undefined) return undefined;
    return mergeEntries(this.#parts, path, parseIndexFile(path, content).entries, lines);
  }

  /** One version, merged and flagged; `undefined` when the snapshot does not list it. */
  async version(name: string, vers: string): Promise<SnapshotVersion | undefined> {
    const entry = await this.#entry(name, vers);
    if (!entry) return undefined;
    const [merged] = await mergeEntries(this.#parts, indexPath(name), [entry]);
    return merged;
  }

  /** The index entry of `name@vers` at this commit (one file read, no store or augmented lookup). */
  async #entry(name: string, vers: string): Promise<IndexEntry | undefined> {
    const path = indexPath(name);
    const content = await this.#parts.index.readPath(this.commit, path);
    return content && parseIndexFile(path, content).entries.find((e) => e.vers === vers);
  }

  /**
   * The `.crate` bytes of a version the snapshot lists, streamed from the store and hashed on the
   * way: when they end and do not hash to the index `cksum`, the stream throws
   * `SNAPSHOT_CHECKSUM_MISMATCH`, so a consumer writing them out must drop what it wrote.
   * @throws {SnapshotError} `SNAPSHOT_VERSION_UNKNOWN` or `SNAPSHOT_NOT_MIRRORED`.
   */
  async crateBytes(name: string, vers: string): Promise<AsyncIterable<Uint8Array>> {
    const id = `${name}@${vers}`;
    const entry = await this.#entry(name, vers);
    if (!entry)
      throw new SnapshotError(
        'SNAPSHOT_VERSION_UNKNOWN',
        id,
        `${id} is not in the index at ${this.commit}`,
      );
    const body = await this.#parts.store.get({ name: entry.name, version: entry.vers });
    if (!body)
      throw new SnapshotError('SNAPSHOT_NOT_MIRRORED', id, `${id} is not in the store (yet)`);
    return verified(body, entry.cksum, id);
  }
}

async function* verified(
  body: AsyncIterable<Uint8Array>,
  cksum: string,
  id: string,
): AsyncGenerator<Uint8Array> {
  const hash = createHash('sha256');
  for await (const chunk of body) {
    hash.update(chunk);
    yield chunk;
  }
  const digest = hash.digest('hex');
  if (digest !== cksum)
    throw new SnapshotError(
      'SNAPSHOT_CHECKSUM_MISMATCH',
      id,
      `${id}: stored bytes hash to ${digest}, the index says ${cksum}`,
    );
}
