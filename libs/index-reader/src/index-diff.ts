import { IndexSourceError, type IndexLineError } from './errors.js';
import { isTreeEntry, type GitObjectStore, type GitTreeEntry } from './git-object-store.js';
import { readCommitInfo } from './git-index-source.js';
import { readTree } from './git-tree-walk.js';
import { diffVersions, type IndexChange } from './index-changes.js';
import { parseIndexFile } from './index-file.js';
import { isIndexFilePath } from './index-source.js';
import { mapOrdered } from './map-ordered.js';

/** The changes to one crate file between two commits. */
export interface IndexFileDiff {
  readonly path: string;
  readonly changes: IndexChange[];
  /** Malformed lines of the new file (of the old one when the crate was deleted). */
  readonly errors: IndexLineError[];
}

interface ChangedBlob {
  readonly path: string;
  readonly before: string | undefined;
  readonly after: string | undefined;
}

const NO_ENTRIES: GitTreeEntry[] = [];

/**
 * The changes between two commits of an index, computed from their trees (not from the commits in
 * between, so a squashed or force-pushed history is handled the same way: crates.io squashes its
 * index periodically). Only subtrees whose ids differ are read, so cost follows the size of the
 * change, not of the index. Yields one {@link IndexFileDiff} per changed crate file, in path order.
 */
export async function* diffIndex(
  store: GitObjectStore,
  fromCommit: string,
  toCommit: string,
  options: { readAhead?: number } = {},
): AsyncGenerator<IndexFileDiff> {
  const [from, to] = await Promise.all([
    readCommitInfo(store, fromCommit),
    readCommitInfo(store, toCommit),
  ]);
  const blobs = diffTrees(
    store,
    readTreeEager(store, from.tree),
    readTreeEager(store, to.tree),
    '',
  );
  const read = async (oid: string | undefined, path: string): Promise<Buffer | undefined> => {
    if (oid === undefined) return undefined;
    const object = await store.readObject(oid);
    if (object?.type !== 'blob')
      throw new IndexSourceError(store.gitdir, `blob ${oid} (${path}) is missing`);
    return object.data;
  };
  const pairs = mapOrdered(blobs, options.readAhead ?? 64, async (blob) => {
    const [before, after] = await Promise.all([
      read(blob.before, blob.path),
      read(blob.after, blob.path),
    ]);
    return { path: blob.path, before, after };
  });
  for await (const { path, before, after } of pairs) {
    const old = before ? parseIndexFile(path, before) : undefined;
    const now = after ? parseIndexFile(path, after) : undefined;
    if (!now) {
      const versions = old?.entries ?? [];
      const name = versions[0]?.name ?? path.slice(path.lastIndexOf('/') + 1);
      yield {
        path,
        changes: [{ kind: 'CrateDeleted', name, versions }],
        errors: old?.errors ?? [],
      };
      continue;
    }
    const changes = diffVersions(old?.entries ?? [], now.entries);
    if (changes.length > 0 || now.errors.length > 0) yield { path, changes, errors: now.errors };
  }
}

function readTreeEager(store: GitObjectStore, oid: string | undefined): Promise<GitTreeEntry[]> {
  if (oid === undefined) return Promise.resolve(NO_ENTRIES);
  const pending = readTree(store, oid);
  pending.catch(() => undefined); // observed when the recursion reaches it
  return pending;
}

function treeOid(entry: GitTreeEntry | undefined): string | undefined {
  return entry && isTreeEntry(entry) ? entry.oid : undefined;
}

function blobOid(entry: GitTreeEntry | undefined): string | undefined {
  return entry && !isTreeEntry(entry) ? entry.oid : undefined;
}

async function* diffTrees(
  store: GitObjectStore,
  before: Promise<GitTreeEntry[]>,
  after: Promise<GitTreeEntry[]>,
  prefix: string,
): AsyncGenerator<ChangedBlob> {
  const [oldEntries, newEntries] = await Promise.all([before, after]);
  const old = new Map(oldEntries.map((e) => [e.name, e]));
  const now = new Map(newEntries.map((e) => [e.name, e]));
  const names = [...new Set([...old.keys(), ...now.keys()])].sort();
  // Start reading every changed subtree pair now, so a pipelined store serves them together.
  const work = names
    .filter((name) => !name.startsWith('.') && old.get(name)?.oid !== now.get(name)?.oid)
    .map((name) => {
      const a = old.get(name);
      const b = now.get(name);
      const trees =
        treeOid(a) || treeOid(b)
          ? ([readTreeEager(store, treeOid(a)), readTreeEager(store, treeOid(b))] as const)
          : undefined;
      return { path: prefix + name, a, b, trees };
    });
  for (const { path, a, b, trees } of work) {
    if (trees) yield* diffTrees(store, trees[0], trees[1], `${path}/`);
    const [aBlob, bBlob] = [blobOid(a), blobOid(b)];
    if ((aBlob || bBlob) && isIndexFilePath(path)) yield { path, before: aBlob, after: bBlob };
  }
}
