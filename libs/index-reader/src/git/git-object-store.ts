import { IndexSourceError } from '../errors.js';

/**
 * The small interface the git-backed sources need: read one object by id, resolve a revision.
 * Two implementations: {@link GitCliObjectStore} (a long-lived `git cat-file --batch`, fast) and
 * {@link IsoGitObjectStore} (pure JavaScript via isomorphic-git, for machines without git).
 */
export interface GitObjectStore {
  /** Where the repository lives (for messages). */
  readonly gitdir: string;
  /** Reads an object; `undefined` when it does not exist. */
  readObject(oid: string): Promise<GitObject | undefined>;
  /** Reads the blob at `path` inside commit `commit`; `undefined` when there is no such file. */
  readPath(commit: string, path: string): Promise<Buffer | undefined>;
  /** Resolves a revision (`HEAD`, a branch, a full or short id) to a commit id. */
  resolveCommit(rev: string): Promise<string>;
  /** Releases processes and caches. */
  close(): Promise<void>;
}

/** The object types git stores. */
export type GitObjectType = 'blob' | 'tree' | 'commit' | 'tag';

/** One raw git object. */
export interface GitObject {
  readonly type: GitObjectType;
  readonly data: Buffer;
}

/** One entry of a tree object. */
export interface GitTreeEntry {
  readonly mode: string;
  readonly name: string;
  readonly oid: string;
}

/** `true` for a tree entry that is a subdirectory. */
export function isTreeEntry(entry: GitTreeEntry): boolean {
  return entry.mode === '40000' || entry.mode === '040000';
}

/**
 * Parses a tree object's binary form: repeated `<mode> SP <name> NUL <20-byte id>`
 * (https://git-scm.com/docs/gitformat-index is not it; trees are described in git's
 * Documentation/technical/ and in `tree-walk.c`).
 */
export function parseTree(data: Buffer): GitTreeEntry[] {
  const entries: GitTreeEntry[] = [];
  let i = 0;
  while (i < data.length) {
    const space = data.indexOf(0x20, i);
    const nul = data.indexOf(0, space + 1);
    if (space === -1 || nul === -1 || nul + 21 > data.length) {
      throw new IndexSourceError('(tree object)', `corrupt tree object at byte ${i}`);
    }
    entries.push({
      mode: data.toString('latin1', i, space),
      name: data.toString('utf8', space + 1, nul),
      oid: data.toString('hex', nul + 1, nul + 21),
    });
    i = nul + 21;
  }
  return entries;
}

/** The parts of a commit object the index reader uses. */
export interface GitCommitInfo {
  readonly oid: string;
  readonly tree: string;
  /** Committer time, seconds since the epoch: the freshness of the index state. */
  readonly committedAt: number;
}

/** Parses a commit object's header for its tree and committer time. */
export function parseCommit(oid: string, data: Buffer): GitCommitInfo {
  const text = data.toString('utf8', 0, Math.min(data.length, 4096));
  const tree = /^tree ([0-9a-f]{40})$/m.exec(text)?.[1];
  const time = /^committer .* (\d+) [+-]\d{4}$/m.exec(text)?.[1];
  if (!tree) throw new IndexSourceError(oid, `commit ${oid} has no tree`);
  return { oid, tree, committedAt: time ? Number(time) : 0 };
}
