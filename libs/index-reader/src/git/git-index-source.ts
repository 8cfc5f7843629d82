import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { IndexSourceError, IndexSourceInvalidError } from '../errors.js';
import { GitCliObjectStore } from './git-cli-object-store.js';
import { parseCommit, type GitCommitInfo, type GitObjectStore } from './git-object-store.js';
import { readBlob, walkTree } from './git-tree-walk.js';
import {
  isIndexFilePath,
  type RawIndexFile,
  type ScannableIndexSource,
  type ScanOptions,
} from '../sources/index-source.js';
import { IsoGitObjectStore } from './iso-git-object-store.js';
import { mapOrdered } from '@lcs/internal';

/** Which object reader to use: `git` (fast, needs the executable), `isomorphic-git` (pure JS), or `auto`. */
export type GitBackend = 'auto' | 'git' | 'isomorphic-git';

/** Options of {@link GitIndexSource.open}. */
export interface GitIndexSourceOptions {
  /** The revision to read; `HEAD` by default. */
  readonly rev?: string;
  /** Object reader; `auto` uses git when it is installed. */
  readonly backend?: GitBackend;
  /** Blobs read ahead during a scan (memory is bounded by this many crate files). Default 64. */
  readonly readAhead?: number;
}

/** Finds the git directory of a work tree or a bare repository. */
export function findGitDir(path: string): string | undefined {
  const root = resolve(path);
  if (existsSync(join(root, '.git'))) return join(root, '.git');
  if (existsSync(join(root, 'HEAD')) && existsSync(join(root, 'objects'))) return root;
  return undefined;
}

/** Opens the object store for `gitdir` with the chosen backend. */
export async function openObjectStore(
  gitdir: string,
  backend: GitBackend = 'auto',
): Promise<GitObjectStore> {
  if (backend === 'git' || (backend === 'auto' && (await GitCliObjectStore.available()))) {
    return GitCliObjectStore.open(gitdir);
  }
  return new IsoGitObjectStore(gitdir);
}

/** Reads a commit object's tree and time. */
export async function readCommitInfo(store: GitObjectStore, oid: string): Promise<GitCommitInfo> {
  const object = await store.readObject(oid);
  if (object?.type !== 'commit') {
    throw new IndexSourceError(
      store.gitdir,
      `${oid} is ${object ? `a ${object.type}` : 'missing'}, not a commit`,
    );
  }
  return parseCommit(oid, object.data);
}

/**
 * An index in a git repository, read at one commit straight from git objects: no checkout, and the
 * work tree (if any) is ignored. This is how cargo itself reads a git index.
 */
export class GitIndexSource implements ScannableIndexSource {
  readonly location: string;
  /** The commit being read. */
  readonly commit: GitCommitInfo;
  /** The object store; also usable with {@link diffIndex}. */
  readonly store: GitObjectStore;
  private readonly readAhead: number;

  private constructor(
    location: string,
    store: GitObjectStore,
    commit: GitCommitInfo,
    readAhead: number,
  ) {
    this.location = location;
    this.store = store;
    this.commit = commit;
    this.readAhead = readAhead;
  }

  /**
   * Opens the repository at `path` (work tree or bare) at `options.rev`.
   * @throws {IndexSourceInvalidError} when `path` is not a git repository.
   * @throws {IndexSourceError} when the revision does not exist.
   */
  static async open(path: string, options: GitIndexSourceOptions = {}): Promise<GitIndexSource> {
    const gitdir = findGitDir(path);
    if (!gitdir) throw new IndexSourceInvalidError(path, 'not a git repository');
    const store = await openObjectStore(gitdir, options.backend);
    try {
      const oid = await store.resolveCommit(options.rev ?? 'HEAD');
      const commit = await readCommitInfo(store, oid);
      return new GitIndexSource(path, store, commit, options.readAhead ?? 64);
    } catch (error) {
      await store.close();
      throw error;
    }
  }

  readFile(path: string): Promise<Buffer | undefined> {
    return this.store.readPath(this.commit.oid, path);
  }

  files(options: ScanOptions = {}): AsyncIterable<RawIndexFile> {
    return mapOrdered(this.indexFiles(options.filter), this.readAhead, async ({ path, oid }) => ({
      path,
      content: await readBlob(this.store, oid, path),
    }));
  }

  close(): Promise<void> {
    return this.store.close();
  }

  private async *indexFiles(
    filter?: (path: string) => boolean,
  ): AsyncGenerator<{ path: string; oid: string }> {
    for await (const file of walkTree(this.store, this.commit.tree)) {
      if (isIndexFilePath(file.path) && (filter?.(file.path) ?? true)) yield file;
    }
  }
}
