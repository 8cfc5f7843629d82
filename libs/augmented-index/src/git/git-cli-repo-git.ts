/** {@link RepoGit} through the git executable. */
import { GitCliObjectStore } from '@lcs/index-reader/git';
import { AugmentedIndexError } from '../errors.js';
import { FastImportWriter } from './fast-import-writer.js';
import { authEnv, runGit } from './git-command.js';
import type { RepoGit } from './repo-git.js';

const ZERO = '0'.repeat(40);

export const gitCliRepoGit: RepoGit = {
  kind: 'git',
  async init(gitdir) {
    await runGit(gitdir, ['init', '-q', '--bare', '--initial-branch=master', gitdir], gitdir);
  },
  async getConfig(gitdir, key) {
    const { stdout, code } = await runGit(gitdir, ['config', '--get', key], gitdir, {
      okCodes: [1],
    });
    return code === 0 ? stdout.trim() : undefined;
  },
  async setConfig(gitdir, key, value) {
    await runGit(gitdir, ['config', key, value], gitdir);
  },
  async resolve(gitdir, ref) {
    const { stdout, code } = await runGit(
      gitdir,
      ['rev-parse', '-q', '--verify', '--end-of-options', `${ref}^{commit}`],
      gitdir,
      { okCodes: [1, 128] },
    );
    return code === 0 ? stdout.trim() : null;
  },
  async updateRef(gitdir, ref, value, expected) {
    // update-ref checks the old value under the ref's lock: a concurrent writer cannot be overwritten.
    const { code, stderr } = await runGit(
      gitdir,
      ['update-ref', '-m', 'ais-backfiller', ref, value, expected ?? ZERO],
      gitdir,
      { okCodes: [1, 128] },
    );
    if (code !== 0)
      throw new AugmentedIndexError(
        'AUGMENTED_REPO_CONFLICT',
        gitdir,
        `${ref} moved during the run (another writer?); nothing was overwritten: ${stderr.trim()}`,
      );
  },
  async isAncestor(gitdir, ancestor, descendant) {
    const { code } = await runGit(
      gitdir,
      ['merge-base', '--is-ancestor', ancestor, descendant],
      gitdir,
      { okCodes: [1, 128] },
    );
    return code === 0;
  },
  async remoteHead(gitdir, url, branch, token) {
    const ref = `refs/heads/${branch}`;
    const { stdout } = await runGit(gitdir, ['ls-remote', '--end-of-options', url, ref], url, {
      env: authEnv(token),
    });
    return /^([0-9a-f]{40})\t/m.exec(stdout)?.[1] ?? null;
  },
  async fetch(gitdir, url, branch, token) {
    await runGit(
      gitdir,
      [
        'fetch',
        '-q',
        '--depth',
        '1',
        '--no-tags',
        '--end-of-options',
        url,
        `+refs/heads/${branch}:refs/remotes/origin/${branch}`,
      ],
      url,
      { env: authEnv(token) },
    );
  },
  async push(gitdir, url, branch, token) {
    const ref = `refs/heads/${branch}`;
    const { code, stdout, stderr } = await runGit(
      gitdir,
      ['push', '--porcelain', '--end-of-options', url, `${ref}:${ref}`],
      url,
      { env: authEnv(token), okCodes: [1] },
    );
    if (code === 0) return;
    const rejected = /^!\t/m.test(stdout);
    throw new AugmentedIndexError(
      rejected ? 'AUGMENTED_PUSH_REJECTED' : 'AUGMENTED_GIT_FAILED',
      url,
      `push to ${url} ${rejected ? 'rejected' : 'failed'}: ${(stdout + stderr).trim().split('\n').slice(-3).join(' ')}`,
    );
  },
  objectStore: (gitdir) => GitCliObjectStore.open(gitdir),
  writer: (gitdir) => new FastImportWriter(gitdir),
};
