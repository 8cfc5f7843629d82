import { IndexSourceError } from '../errors.js';
import {
  isTreeEntry,
  parseTree,
  type GitObjectStore,
  type GitTreeEntry,
} from './git-object-store.js';

/** A file found in a tree walk: its full path and blob id. */
export interface GitTreeFile {
  readonly path: string;
  readonly oid: string;
}

/** Reads and parses a tree object. */
export async function readTree(store: GitObjectStore, oid: string): Promise<GitTreeEntry[]> {
  const object = await store.readObject(oid);
  if (object?.type !== 'tree') {
    throw new IndexSourceError(
      store.gitdir,
      `tree ${oid} is ${object ? `a ${object.type}` : 'missing'}`,
    );
  }
  try {
    return parseTree(object.data);
  } catch (cause) {
    throw new IndexSourceError(store.gitdir, `tree ${oid}: ${(cause as Error).message}`, { cause });
  }
}

/**
 * Reads a blob; `path` only names it in the error.
 * @throws {IndexSourceError} when the object is missing or not a blob.
 */
export async function readBlob(store: GitObjectStore, oid: string, path: string): Promise<Buffer> {
  const object = await store.readObject(oid);
  if (object?.type !== 'blob') {
    throw new IndexSourceError(store.gitdir, `blob ${oid} (${path}) is missing`);
  }
  return object.data;
}

/**
 * Walks a tree depth-first in git's order, yielding every file (submodules and dot-directories such
 * as `.github` are skipped). The subtrees of a directory are requested together, so a pipelined store
 * answers them in one round trip; memory holds only the trees along the current path.
 */
export async function* walkTree(
  store: GitObjectStore,
  tree: string,
  prefix = '',
): AsyncGenerator<GitTreeFile> {
  yield* walkEntries(store, await readTree(store, tree), prefix);
}

async function* walkEntries(
  store: GitObjectStore,
  entries: GitTreeEntry[],
  prefix: string,
): AsyncGenerator<GitTreeFile> {
  const subtrees = new Map<string, Promise<GitTreeEntry[]>>();
  for (const entry of entries) {
    if (isTreeEntry(entry) && !entry.name.startsWith('.')) {
      const pending = readTree(store, entry.oid);
      pending.catch(() => undefined);
      subtrees.set(entry.name, pending);
    }
  }
  for (const entry of entries) {
    const path = prefix + entry.name;
    if (isTreeEntry(entry)) {
      const pending = subtrees.get(entry.name);
      if (pending) yield* walkEntries(store, await pending, `${path}/`);
    } else if (entry.mode !== '160000') {
      yield { path, oid: entry.oid };
    }
  }
}
