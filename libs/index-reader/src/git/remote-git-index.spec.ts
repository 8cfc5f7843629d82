import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IndexSourceError, UnknownRevisionError } from '../errors.js';
import { GitIndexSource, type GitBackend } from './git-index-source.js';
import { diffIndex } from '../changes/index-diff.js';
import { readCrate } from '../sources/index-source.js';
import { openIndex } from '../sources/open-index.js';
import { FETCHED_REF, fetchRemoteCommit, fetchRemoteIndex } from './remote-git-index.js';
import { startGitHttpServer, type GitHttpServer } from '../test-support/git-http-server.js';
import { fixtureRepo, git, tempDir, writeFiles } from '../test-support/git-fixture.js';

describe('http(s) git index over smart HTTP', () => {
  let tmp: ReturnType<typeof tempDir>;
  let server: GitHttpServer;
  let work: string;
  let url: string;
  let original: string;

  beforeAll(async () => {
    tmp = tempDir();
    work = fixtureRepo(tmp.path);
    original = git(work, 'rev-parse', 'HEAD');
    git(tmp.path, 'clone', '-q', '--bare', work, join(tmp.path, 'served', 'index.git'));
    server = await startGitHttpServer(join(tmp.path, 'served'));
    url = `${server.url}/index.git`;
  });
  afterAll(async () => {
    await server.close();
    tmp.cleanup();
  });

  it.each<GitBackend>(['git', 'isomorphic-git'])(
    'clones into a cache, then fetches only what changed, surviving a force-pushed squash (%s)',
    async (backend) => {
      // Each backend starts from the unsquashed history.
      git(
        work,
        'push',
        '-q',
        '--force',
        join(tmp.path, 'served', 'index.git'),
        `${original}:refs/heads/master`,
      );
      const cacheDir = join(tmp.path, `cache-${backend}`);
      const first = await fetchRemoteIndex(url, { cacheDir, backend });
      expect(first.previous).toBeUndefined();
      expect(first.commit).toBe(original);
      expect(existsSync(join(cacheDir, 'objects'))).toBe(true);
      expect(server.requests.some((r) => r.includes('git-upload-pack'))).toBe(true);

      // The registry squashes: a new root commit with one more crate, force-pushed.
      writeFiles(work, {
        'sq/ua/squashed': `${JSON.stringify({ name: 'squashed', vers: '1.0.0', deps: [], cksum: 'c'.repeat(64), features: {} })}\n`,
      });
      git(work, 'add', '-A');
      const tree = git(work, 'write-tree');
      git(work, 'reset', '-q', '--hard', original);
      const squash = git(work, 'commit-tree', tree, '-m', 'squash');
      git(
        work,
        'push',
        '-q',
        '--force',
        join(tmp.path, 'served', 'index.git'),
        `${squash}:refs/heads/master`,
      );

      const second = await fetchRemoteIndex(url, { cacheDir, backend });
      expect(second.previous).toBe(first.commit);
      expect(second.commit).toBe(squash);

      const source = await GitIndexSource.open(second.gitdir, { rev: second.commit });
      expect((await readCrate(source, 'squashed'))?.entries.map((e) => e.vers)).toEqual(['1.0.0']);
      const changes = [];
      for await (const d of diffIndex(source.store, first.commit, second.commit))
        changes.push(...d.changes);
      await source.close();
      expect(changes.map((c) => `${c.kind} ${c.name}`)).toEqual(['Added squashed']);
    },
  );

  it('lets one fetch into a cache at a time: concurrent fetchers wait, then agree', async () => {
    const cacheDir = join(tmp.path, 'cache-concurrent');
    const results = await Promise.all(
      Array.from({ length: 4 }, () => fetchRemoteIndex(url, { cacheDir, backend: 'git' })),
    );
    expect(new Set(results.map((r) => r.commit)).size).toBe(1);
    // Exactly one of them was the first fetch; the others found its commit.
    expect(results.filter((r) => r.previous === undefined)).toHaveLength(1);
    expect(existsSync(join(cacheDir, 'lcs-fetch.lock'))).toBe(false);
  });

  it('opens an http URL through openIndex', async () => {
    const source = await openIndex(url, { cacheDir: join(tmp.path, 'cache2') });
    expect(source).toBeInstanceOf(GitIndexSource);
    expect((await readCrate(source, 'Inflector'))?.entries[0]?.name).toBe('Inflector');
    await source.close();
  });

  it('fetches an older commit by id into a cache that started after it, without moving its ref', async () => {
    const served = join(tmp.path, 'served', 'index.git');
    git(work, 'push', '-q', '--force', served, `${original}:refs/heads/master`);
    writeFiles(work, {
      'la/te/later': `${JSON.stringify({ name: 'later', vers: '1.0.0', deps: [], cksum: 'd'.repeat(64), features: {} })}\n`,
    });
    git(work, 'add', '-A');
    git(work, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'later');
    const later = git(work, 'rev-parse', 'HEAD');
    git(work, 'push', '-q', '--force', served, `${later}:refs/heads/master`);
    try {
      const cacheDir = join(tmp.path, 'cache-by-id');
      expect((await fetchRemoteIndex(url, { cacheDir, backend: 'git' })).commit).toBe(later);
      const missing = await GitIndexSource.open(cacheDir, { rev: original }).catch(
        (e: unknown) => e,
      );
      expect(missing).toBeInstanceOf(UnknownRevisionError);
      await fetchRemoteCommit(url, original, { cacheDir });
      const source = await GitIndexSource.open(cacheDir, { rev: original });
      expect(source.commit.oid).toBe(original);
      expect(await readCrate(source, 'later')).toBeUndefined();
      await source.close();
      expect(git(cacheDir, 'rev-parse', FETCHED_REF)).toBe(later);
      await expect(fetchRemoteCommit(url, 'HEAD', { cacheDir })).rejects.toBeInstanceOf(
        IndexSourceError,
      );
      await expect(fetchRemoteCommit(url, 'e'.repeat(40), { cacheDir })).rejects.toThrow(
        /fetch of e{40} failed/,
      );
    } finally {
      git(work, 'reset', '-q', '--hard', original);
      git(work, 'push', '-q', '--force', served, `${original}:refs/heads/master`);
    }
  });

  it('names the URL when the remote does not exist', async () => {
    const missing = `${server.url}/missing.git`;
    const error = await fetchRemoteIndex(missing, { cacheDir: join(tmp.path, 'cache3') }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(IndexSourceError);
    expect((error as IndexSourceError).input).toBe(missing);
  });
});
