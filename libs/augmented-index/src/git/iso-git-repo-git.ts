/** {@link RepoGit} through isomorphic-git, for machines without the git executable. */
import * as fs from 'node:fs';
import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import { IsoGitObjectStore } from '@lcs/index-reader/git';
import { AugmentedIndexError } from '../errors.js';
import { IsoGitWriter } from './iso-git-writer.js';
import type { RepoGit } from './repo-git.js';

const auth = (token: string | undefined) =>
  token ? { onAuth: () => ({ username: 'x-access-token', password: token }) } : {};

export const isoGitRepoGit: RepoGit = {
  kind: 'isomorphic-git',
  async init(gitdir) {
    await git.init({ fs, gitdir, bare: true, defaultBranch: 'master' });
  },
  async getConfig(gitdir, key) {
    const value: unknown = await git.getConfig({ fs, gitdir, path: key });
    return typeof value === 'string' ? value : undefined;
  },
  async setConfig(gitdir, key, value) {
    await git.setConfig({ fs, gitdir, path: key, value });
  },
  async resolve(gitdir, ref) {
    try {
      const oid = await git.resolveRef({ fs, gitdir, ref });
      return (await git.readCommit({ fs, gitdir, oid })).oid;
    } catch {
      return null;
    }
  },
  async updateRef(gitdir, ref, value, expected) {
    // Not atomic against another process (isomorphic-git has no ref locking); the runner lock is.
    const current = await git.resolveRef({ fs, gitdir, ref }).catch(() => null);
    if (current !== expected)
      throw new AugmentedIndexError(
        'AUGMENTED_REPO_CONFLICT',
        gitdir,
        `${ref} moved during the run (another writer?); nothing was overwritten`,
      );
    await git.writeRef({ fs, gitdir, ref, value, force: true });
  },
  async isAncestor(gitdir, ancestor, descendant) {
    if (ancestor === descendant) return true;
    return git.isDescendent({ fs, gitdir, oid: descendant, ancestor }).catch(() => false);
  },
  async remoteHead(_gitdir, url, branch, token) {
    try {
      const refs = await git.listServerRefs({
        http,
        url,
        prefix: `refs/heads/${branch}`,
        ...auth(token),
      });
      return refs.find((r) => r.ref === `refs/heads/${branch}`)?.oid ?? null;
    } catch (cause) {
      throw new AugmentedIndexError(
        'AUGMENTED_GIT_FAILED',
        url,
        `cannot list ${url}: ${(cause as Error).message}`,
        { cause },
      );
    }
  },
  async fetch(gitdir, url, branch, token) {
    try {
      const { fetchHead } = await git.fetch({
        fs,
        http,
        gitdir,
        url,
        ref: branch,
        singleBranch: true,
        depth: 1,
        tags: false,
        ...auth(token),
      });
      if (fetchHead)
        await git.writeRef({
          fs,
          gitdir,
          ref: `refs/remotes/origin/${branch}`,
          value: fetchHead,
          force: true,
        });
    } catch (cause) {
      throw new AugmentedIndexError(
        'AUGMENTED_GIT_FAILED',
        url,
        `fetch from ${url} failed: ${(cause as Error).message}`,
        { cause },
      );
    }
  },
  async push(gitdir, url, branch, token) {
    const ref = `refs/heads/${branch}`;
    let result;
    try {
      result = await git.push({ fs, http, gitdir, url, ref, remoteRef: ref, ...auth(token) });
    } catch (cause) {
      const rejected = (cause as { code?: unknown }).code === 'PushRejectedError';
      throw new AugmentedIndexError(
        rejected ? 'AUGMENTED_PUSH_REJECTED' : 'AUGMENTED_GIT_FAILED',
        url,
        `push to ${url} ${rejected ? 'rejected' : 'failed'}: ${(cause as Error).message}`,
        { cause },
      );
    }
    if (!result.ok)
      throw new AugmentedIndexError(
        'AUGMENTED_PUSH_REJECTED',
        url,
        `push to ${url} rejected: ${result.error ?? ''}`,
      );
  },
  objectStore: async (gitdir) => new IsoGitObjectStore(gitdir),
  writer: (gitdir) => new IsoGitWriter(gitdir),
};
