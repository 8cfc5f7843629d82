/**
 * Tests on the real crates.io index of 2019-11-10 (a git bundle beside the repository): counts checked
 * against git's own reading of the same commit, every path checked against every name, and the same
 * index cloned over smart HTTP from a local `git http-backend`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitIndexSource, type GitBackend } from './git/git-index-source.js';
import { indexPath } from './entry/index-path.js';
import { readCrate, scanIndex } from './sources/index-source.js';
import { fetchRemoteIndex } from './git/remote-git-index.js';
import { startGitHttpServer } from './test-support/git-http-server.js';
import { git, REAL_INDEX_BUNDLE, tempDir } from './test-support/git-fixture.js';

let tmp: ReturnType<typeof tempDir>;
let served: string;
let repo: string;
let head: string;
/** What git itself counts: files, non-empty lines, lines with "yanked":true. */
let byGit: { crates: number; versions: number; yanked: number };

function sumGrepCounts(output: string): number {
  return output
    .split('\n')
    .filter(Boolean)
    .reduce((total, line) => total + Number(line.slice(line.lastIndexOf(':') + 1)), 0);
}

beforeAll(() => {
  if (!existsSync(REAL_INDEX_BUNDLE)) {
    throw new Error(
      `the real index bundle is missing: ${REAL_INDEX_BUNDLE} (set LCS_INDEX_BUNDLE)`,
    );
  }
  tmp = tempDir('lcs-real-index-');
  served = join(tmp.path, 'served');
  repo = join(served, 'crates.io-index.git');
  git(tmp.path, 'clone', '-q', '--bare', REAL_INDEX_BUNDLE, repo);
  head = git(repo, 'rev-parse', 'HEAD');
  const files = git(repo, 'ls-tree', '-r', '--name-only', 'HEAD')
    .split('\n')
    .filter((p) => p.includes('/'));
  byGit = {
    crates: files.length,
    versions: sumGrepCounts(git(repo, 'grep', '-c', '.', 'HEAD', '--', '*/*')),
    yanked: sumGrepCounts(git(repo, 'grep', '-c', '"yanked":true', 'HEAD', '--', '*/*')),
  };
});
afterAll(() => tmp?.cleanup());

async function scanCounts(source: GitIndexSource) {
  let crates = 0;
  let versions = 0;
  let yanked = 0;
  let problems = 0;
  const misplaced: string[] = [];
  for await (const file of scanIndex(source)) {
    crates++;
    versions += file.entries.length;
    problems += file.errors.length + file.unsupported;
    for (const entry of file.entries) {
      if (entry.yanked) yanked++;
      if (indexPath(entry.name) !== file.path) misplaced.push(`${entry.name} in ${file.path}`);
    }
  }
  return { crates, versions, yanked, problems, misplaced };
}

describe('the real crates.io index of 2019-11-10', () => {
  it('has the sizes git itself counts', () => {
    expect(byGit).toEqual({ crates: 31_839, versions: 184_437, yanked: 6_402 });
  });

  it.each(['git', 'isomorphic-git'] as GitBackend[])(
    'scans to the same counts with the %s backend, every line valid and every name at its cargo path',
    async (backend) => {
      const source = await GitIndexSource.open(repo, { backend });
      try {
        expect(source.commit.oid).toBe(head);
        const counts = await scanCounts(source);
        expect(counts).toEqual({ ...byGit, problems: 0, misplaced: [] });
      } finally {
        await source.close();
      }
    },
    300_000,
  );

  it('reads single crates, names with upper case included', async () => {
    const source = await GitIndexSource.open(repo);
    try {
      const serde = await readCrate(source, 'serde');
      expect(serde?.entries.length).toBe(
        Number(git(repo, 'grep', '-c', '.', 'HEAD', '--', 'se/rd/serde').split(':').pop()),
      );
      const inflector = await readCrate(source, 'inflector');
      expect(inflector?.entries.every((e) => e.name === 'Inflector')).toBe(true);
    } finally {
      await source.close();
    }
  });

  it('clones over smart HTTP (depth 1) into a cache and reads the same index', async () => {
    const server = await startGitHttpServer(served);
    try {
      const fetched = await fetchRemoteIndex(`${server.url}/crates.io-index.git`, {
        cacheDir: join(tmp.path, 'cache'),
      });
      expect(fetched.commit).toBe(head);
      const source = await GitIndexSource.open(fetched.gitdir, { rev: fetched.commit });
      try {
        const counts = await scanCounts(source);
        expect(counts).toEqual({ ...byGit, problems: 0, misplaced: [] });
      } finally {
        await source.close();
      }
    } finally {
      await server.close();
    }
  }, 300_000);
});
