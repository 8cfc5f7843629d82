/**
 * The git operations the augmented repository needs, on a repository without a work tree: create,
 * resolve and move refs (compare-and-swap), fetch at depth 1, push, read objects and write commits.
 * Two implementations: the git executable (default where installed) and isomorphic-git.
 */
import type { GitObjectStore } from '@lcs/index-reader';
import type { CommitWriter } from './commit-writer.js';

/** Which implementation: `auto` uses the git executable when it is installed. */
export type RepoBackend = 'auto' | 'git' | 'isomorphic-git';

/** Git plumbing on one repository (`gitdir`). */
export interface RepoGit {
  readonly kind: 'git' | 'isomorphic-git';
  /** Creates a bare repository whose HEAD is `refs/heads/master`. */
  init(gitdir: string): Promise<void>;
  getConfig(gitdir: string, key: string): Promise<string | undefined>;
  setConfig(gitdir: string, key: string, value: string): Promise<void>;
  /** The commit a ref points at, or `null`. */
  resolve(gitdir: string, ref: string): Promise<string | null>;
  /**
   * Moves `ref` to `value` only if it still points at `expected` (`null`: must not exist).
   * @throws {AugmentedIndexError} `AUGMENTED_REPO_CONFLICT` when it moved.
   */
  updateRef(gitdir: string, ref: string, value: string, expected: string | null): Promise<void>;
  /** `true` when `ancestor` is `descendant` or one of its ancestors. */
  isAncestor(gitdir: string, ancestor: string, descendant: string): Promise<boolean>;
  /** The commit of `branch` on the remote, or `null` when it has none. */
  remoteHead(gitdir: string, url: string, branch: string, token?: string): Promise<string | null>;
  /** Fetches `branch` at depth 1 into `refs/remotes/origin/<branch>`. */
  fetch(gitdir: string, url: string, branch: string, token?: string): Promise<void>;
  /**
   * Pushes `branch` (fast-forward only).
   * @throws {AugmentedIndexError} `AUGMENTED_PUSH_REJECTED` when the remote has moved on.
   */
  push(gitdir: string, url: string, branch: string, token?: string): Promise<void>;
  objectStore(gitdir: string): Promise<GitObjectStore>;
  writer(gitdir: string): CommitWriter;
}
