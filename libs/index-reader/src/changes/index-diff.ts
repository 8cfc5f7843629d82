import type { IndexLineError } from '../errors.js';
import { isTreeEntry, type GitObjectStore, type GitTreeEntry } from '../git/git-object-store.js';
import { readCommitInfo } from '../git/git-index-source.js';
import { readBlob, readTree } from '../git/git-tree-walk.js';
import { diffVersions, type IndexChange } from './index-changes.js';
import {
  indexLines,
  parseIndexFile,
  parseIndexLines,
  type IndexLine,
} from '../entry/index-file.js';
import { isIndexFilePath } from '../sources/index-source.js';
import { mapOrdered } from '@lcs/internal';

/**
 * The lines only in `before` and the lines only in `after` (as multisets, each in file order).
 * A line present byte for byte on both sides is an unchanged version and need not be parsed: index
 * files are append-mostly, so a diff parses what changed, not whole files. Matching the remaining
 * versions by version and checksum ({@link diffVersions}) gives the same result as matching all.
 */
function differingLines(
  before: Buffer | undefined,
  after: Buffer,
): { removed: IndexLine[]; added: IndexLine[] } {
  const oldLines = before ? indexLines(before) : [];
  const unmatched = new Map<string, number>();
  for (const { text } of oldLines) unmatched.set(text, (unmatched.get(text) ?? 0) + 1);
  const added: IndexLine[] = [];
  for (const line of indexLines(after)) {
    const count = unmatched.get(line.text) ?? 0;
    if (count > 0) unmatched.set(line.text, count - 1);
    else added.push(line);
  }
  const removed: IndexLine[] = [];
  for (const line of oldLines) {
    const count = unmatched.get(line.text) ?? 0;
    if (count > 0) {
      unmatched.set(line.text, count - 1);
      removed.push(line);
    }
  }
  return { removed, added };
}

/** The changes to one crate file between two commits. */
export interface IndexFileDiff {
  readonly path: string;
  readonly changes: IndexChange[];
  /** Malformed lines among the changed lines of the new file (of the old file when the crate was deleted). */
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
 * index periodically). Only subtrees whose ids differ are read, so cost and memory follow the size
 * of the change, not of the index. Yields one {@link IndexFileDiff} per changed crate file, in path order.
 * `fromCommit` and `toCommit` are commit ids or revisions (`HEAD~1`, a branch or a tag; with the
 * isomorphic-git backend, refs only). `options.filter` keeps only the crate files whose path
 * passes (their blobs are the only ones read).
 */
export async function* diffIndex(
  store: GitObjectStore,
  fromCommit: string,
  toCommit: string,
  options: { readAhead?: number; filter?: (path: string) => boolean } = {},
): AsyncGenerator<IndexFileDiff> {
  // Revisions as git spells them (`HEAD~1`, a branch, a tag) are resolved first; an object id is
  // taken as it is.
  const resolve = (rev: string) => (/^[0-9a-f]{40}$/.test(rev) ? rev : store.resolveCommit(rev));
  const [from, to] = await Promise.all([
    readCommitInfo(store, await resolve(fromCommit)),
    readCommitInfo(store, await resolve(toCommit)),
  ]);
  const { filter } = options;
  const changed = await changedBlobs(store, from.tree, to.tree);
  const blobs = filter ? changed.filter((blob) => filter(blob.path)) : changed;
  const read = (oid: string | undefined, path: string) =>
    oid === undefined ? undefined : readBlob(store, oid, path);
  const pairs = mapOrdered(blobs, options.readAhead ?? 64, async (blob) => {
    const [before, after] = await Promise.all([
      read(blob.before, blob.path),
      read(blob.after, blob.path),
    ]);
    return { path: blob.path, before, after };
  });
  for await (const { path, before, after } of pairs) {
    if (!after) {
      const old = before ? parseIndexFile(path, before) : undefined;
      const versions = old?.entries ?? [];
      const name = versions[0]?.name ?? path.slice(path.lastIndexOf('/') + 1);
      yield {
        path,
        changes: [{ kind: 'CrateDeleted', name, versions }],
        errors: old?.errors ?? [],
      };
      continue;
    }
    const { removed, added } = differingLines(before, after);
    const old = parseIndexLines(path, removed);
    const now = parseIndexLines(path, added);
    const changes = diffVersions(old.entries, now.entries);
    if (changes.length > 0 || now.errors.length > 0) yield { path, changes, errors: now.errors };
  }
}

function treeOid(entry: GitTreeEntry | undefined): string | undefined {
  return entry && isTreeEntry(entry) ? entry.oid : undefined;
}

function blobOid(entry: GitTreeEntry | undefined): string | undefined {
  return entry && !isTreeEntry(entry) ? entry.oid : undefined;
}

interface TreePair {
  readonly prefix: string;
  readonly before: string | undefined;
  readonly after: string | undefined;
}

/**
 * The crate files that differ between two trees, in path order. Breadth-first: all changed
 * subtrees of one depth are requested at once, so a pipelined store answers the whole diff in one
 * round trip per tree level (3 for the index layout) instead of one per changed directory.
 * Memory follows the size of the change.
 */
async function changedBlobs(
  store: GitObjectStore,
  before: string,
  after: string,
): Promise<ChangedBlob[]> {
  const blobs: ChangedBlob[] = [];
  let level: TreePair[] = [{ prefix: '', before, after }];
  while (level.length > 0) {
    const read = (oid: string | undefined) =>
      oid === undefined ? Promise.resolve(NO_ENTRIES) : readTree(store, oid);
    const trees = await Promise.all(
      level.map((pair) => Promise.all([read(pair.before), read(pair.after)])),
    );
    const next: TreePair[] = [];
    level.forEach(({ prefix }, i) => {
      const [oldEntries, newEntries] = trees[i] ?? [NO_ENTRIES, NO_ENTRIES];
      const old = new Map(oldEntries.map((e) => [e.name, e]));
      const now = new Map(newEntries.map((e) => [e.name, e]));
      for (const name of new Set([...old.keys(), ...now.keys()])) {
        const [a, b] = [old.get(name), now.get(name)];
        if (name.startsWith('.') || a?.oid === b?.oid) continue;
        const path = prefix + name;
        if (treeOid(a) || treeOid(b))
          next.push({ prefix: `${path}/`, before: treeOid(a), after: treeOid(b) });
        const [aBlob, bBlob] = [blobOid(a), blobOid(b)];
        if ((aBlob || bBlob) && isIndexFilePath(path))
          blobs.push({ path, before: aBlob, after: bBlob });
      }
    });
    level = next;
  }
  return blobs.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}
