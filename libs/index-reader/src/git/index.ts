/**
 * `@lcs/index-reader/git`: the git plumbing under the index sources, for libraries that read or
 * write git repositories of index layout themselves (the augmented index): object stores over the
 * git executable or isomorphic-git, tree and commit parsing, tree walks, the remote fetch, and the
 * ordered read-ahead the scans use. Consumers that read an index need only the root entry.
 * @packageDocumentation
 */
export { GitCliObjectStore } from './git-cli-object-store.js';
export { findGitDir, openObjectStore, readCommitInfo } from './git-index-source.js';
export {
  isTreeEntry,
  parseCommit,
  parseTree,
  type GitObject,
  type GitObjectType,
  type GitTreeEntry,
} from './git-object-store.js';
export { readBlob, readTree, walkTree, type GitTreeFile } from './git-tree-walk.js';
export { IsoGitObjectStore } from './iso-git-object-store.js';
export {
  FETCHED_REF,
  fetchRemoteCommit,
  fetchRemoteIndex,
  type FetchRemoteCommitOptions,
  type FetchRemoteIndexOptions,
  type FetchRemoteIndexResult,
} from './remote-git-index.js';
