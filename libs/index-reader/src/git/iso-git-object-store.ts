import fs from 'node:fs';
import { IndexSourceError, UnknownRevisionError } from '../errors.js';
import type { GitObject, GitObjectStore, GitObjectType } from './git-object-store.js';
import { loadIsoGit } from './iso-git.js';

function isNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'NotFoundError' || code === 'ENOENT';
}

/**
 * Reads objects with isomorphic-git, in pure JavaScript: for machines without a `git` executable.
 * Slower than {@link GitCliObjectStore} on full scans (it inflates and resolves deltas in JS and
 * loads whole packfiles into memory); `npm run bench` measures the difference.
 */
export class IsoGitObjectStore implements GitObjectStore {
  readonly gitdir: string;
  /** isomorphic-git's packfile cache; shared by every read of this store, dropped on close. */
  private cache: object = {};

  constructor(gitdir: string) {
    this.gitdir = gitdir;
  }

  async readObject(oid: string): Promise<GitObject | undefined> {
    const { git } = await loadIsoGit();
    try {
      const result = await git.readObject({
        fs,
        gitdir: this.gitdir,
        oid,
        format: 'content',
        cache: this.cache,
      });
      const data = result.object as Uint8Array;
      return {
        type: result.type as GitObjectType,
        data: Buffer.from(data.buffer, data.byteOffset, data.byteLength),
      };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw new IndexSourceError(this.gitdir, `cannot read object ${oid}`, { cause: error });
    }
  }

  async readPath(commit: string, path: string): Promise<Buffer | undefined> {
    const { git } = await loadIsoGit();
    try {
      const { blob } = await git.readBlob({
        fs,
        gitdir: this.gitdir,
        oid: commit,
        filepath: path,
        cache: this.cache,
      });
      return Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
    } catch (error) {
      if (isNotFound(error) || (error as { code?: unknown }).code === 'ObjectTypeError')
        return undefined;
      throw new IndexSourceError(this.gitdir, `cannot read ${path} at ${commit}`, { cause: error });
    }
  }

  async resolveCommit(rev: string): Promise<string> {
    const { git } = await loadIsoGit();
    try {
      const oid = /^[0-9a-f]{4,40}$/.test(rev)
        ? await git.expandOid({ fs, gitdir: this.gitdir, oid: rev, cache: this.cache })
        : await git.resolveRef({ fs, gitdir: this.gitdir, ref: rev });
      // Peels annotated tags and checks that it is a commit.
      const { oid: commit } = await git.readCommit({
        fs,
        gitdir: this.gitdir,
        oid,
        cache: this.cache,
      });
      return commit;
    } catch (cause) {
      throw new UnknownRevisionError(rev, this.gitdir, { cause });
    }
  }

  async close(): Promise<void> {
    this.cache = {};
  }
}
