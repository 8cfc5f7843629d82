/**
 * The repository: created bare, commits only what changed, records its progress, refuses what is
 * not an augmented index (leaving it untouched), never overwrites a branch someone else moved, and
 * works the same through isomorphic-git.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AugmentedRepo } from './augmented-repo.js';
import { AugmentedIndexError } from '../errors.js';
import type { RepoBackend } from '../git/repo-git.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const AUTHOR = { name: 'AIS test', email: 'ais@example.com' };
const ORIGINAL = 'a'.repeat(40);
const git = (gitdir: string, ...args: string[]) =>
  execFileSync('git', ['--git-dir', gitdir, ...args], { encoding: 'utf8' }).trim();

function fresh(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'ais-repo-')), 'augmented');
  dirs.push(dir);
  return dir;
}

async function refusal(promise: Promise<unknown>): Promise<AugmentedIndexError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AugmentedIndexError);
  return error as AugmentedIndexError;
}

describe.each<RepoBackend>(['git', 'isomorphic-git'])('AugmentedRepo (%s)', (backend) => {
  it('creates a bare repository with README and config, commits only changes, records progress', async () => {
    const dir = fresh();
    const repo = await AugmentedRepo.open(dir, { original: 'https://example.com/index', backend });
    await repo.write('3/d/dem', '{"name":"dem"}\n');
    const first = await repo.commit('first', AUTHOR, { original: ORIGINAL, pending: ['3/d/dem'] });
    expect(first).toMatch(/^[0-9a-f]{40}$/);
    expect(git(dir, 'ls-tree', '-r', '--name-only', 'HEAD').split('\n').sort()).toEqual([
      '.ais/pending',
      '3/d/dem',
      'README.md',
      'config.json',
    ]);
    expect(JSON.parse(git(dir, 'show', 'HEAD:config.json'))).toMatchObject({
      schema: 2,
      augments: 'https://example.com/index',
    });
    expect(git(dir, 'log', '-1', '--format=%B')).toContain(`AIS-Original-Commit: ${ORIGINAL}`);
    expect(await repo.state()).toEqual({
      original: ORIGINAL,
      pending: ['3/d/dem'],
      schema: 2,
      fields: null,
      overrides: null,
    });
    // The same content again is no change: no empty commit.
    await repo.write('3/d/dem', '{"name":"dem"}\n');
    expect(
      await repo.commit('nothing', AUTHOR, { original: ORIGINAL, pending: ['3/d/dem'] }),
    ).toBeNull();
    await repo.write('3/d/dem', undefined);
    expect(await repo.commit('removed', AUTHOR, { original: ORIGINAL, pending: [] })).toMatch(
      /^[0-9a-f]{40}$/,
    );
    expect(git(dir, 'ls-tree', '-r', '--name-only', 'HEAD')).toBe('README.md\nconfig.json');
    expect(git(dir, 'rev-list', '--count', 'HEAD')).toBe('2');
    expect(git(dir, 'fsck', '--strict', '--no-dangling')).toBe('');
    await repo.close();
    // Reopened: the state is read back from the commit.
    const again = await AugmentedRepo.open(dir, { backend });
    expect(await again.state()).toEqual({
      original: ORIGINAL,
      pending: [],
      schema: 2,
      fields: null,
      overrides: null,
    });
    await again.close();
  });

  it('refuses a non-empty directory that is not a repository, and leaves it as it was', async () => {
    const dir = fresh();
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const error = await refusal(AugmentedRepo.open(dir, { backend }));
    expect(error.code).toBe('AUGMENTED_REPO_FOREIGN');
    expect(error.input).toBe(dir);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('refuses a repository of another project, and leaves its branch where it was', async () => {
    const dir = fresh();
    execFileSync('git', ['init', '-q', '--bare', dir]);
    const work = fresh();
    execFileSync('git', ['init', '-q', work]);
    writeFileSync(join(work, 'Cargo.toml'), '[package]\n');
    execFileSync('git', ['-C', work, 'add', '.']);
    execFileSync('git', [
      '-C',
      work,
      '-c',
      'user.name=x',
      '-c',
      'user.email=x@x',
      'commit',
      '-qm',
      'x',
    ]);
    execFileSync('git', ['-C', work, 'push', '-q', dir, 'HEAD:refs/heads/master']);
    const before = git(dir, 'rev-parse', 'HEAD');
    const error = await refusal(AugmentedRepo.open(dir, { backend }));
    expect(error.code).toBe('AUGMENTED_REPO_FOREIGN');
    expect(git(dir, 'rev-parse', 'HEAD')).toBe(before);
  });

  it('keeps a file staged while a commit is being written for the next commit', async () => {
    const dir = fresh();
    const repo = await AugmentedRepo.open(dir, { backend });
    await repo.write('1/a', '{"name":"a"}\n');
    // A checkpoint commit and another task's write, interleaved as in a running backfill.
    const committing = repo.commit('one', AUTHOR, { original: null, pending: ['2/cd'] });
    const staging = repo.write('2/cd', '{"name":"cd"}\n');
    await Promise.all([committing, staging]);
    await repo.commit('two', AUTHOR, { original: null, pending: [] });
    expect(git(dir, 'ls-tree', '-r', '--name-only', 'HEAD').split('\n')).toEqual(
      expect.arrayContaining(['1/a', '2/cd']),
    );
    await repo.close();
  });

  it('never moves a branch another writer moved (compare-and-swap)', async () => {
    const dir = fresh();
    const setup = await AugmentedRepo.open(dir, { backend });
    await setup.commit('initial', AUTHOR, { original: null, pending: [] }, { force: true });
    await setup.close();
    const a = await AugmentedRepo.open(dir, { backend });
    const b = await AugmentedRepo.open(dir, { backend });
    await a.write('2/ab', '{"name":"ab"}\n');
    const won = await a.commit('a', AUTHOR, { original: null, pending: [] });
    await b.write('2/cd', '{"name":"cd"}\n');
    const error = await refusal(b.commit('b', AUTHOR, { original: null, pending: [] }));
    expect(error.code).toBe('AUGMENTED_REPO_CONFLICT');
    expect(git(dir, 'rev-parse', 'HEAD')).toBe(won);
    await Promise.all([a.close(), b.close()]);
  });
});

describe('AugmentedRepo with a work tree (git)', () => {
  function workTree(): string {
    const dir = fresh();
    execFileSync('git', ['init', '-q', '--initial-branch=master', dir]);
    return dir;
  }

  it('keeps the work tree in step with each commit', async () => {
    const dir = workTree();
    const repo = await AugmentedRepo.open(dir);
    await repo.write('1/a', '{"name":"a"}\n');
    await repo.commit('one', AUTHOR, { original: null, pending: [] });
    expect(readFileSync(join(dir, '1/a'), 'utf8')).toBe('{"name":"a"}\n');
    expect(execFileSync('git', ['-C', dir, 'status', '--porcelain'], { encoding: 'utf8' })).toBe(
      '',
    );
    await repo.close();
  });

  it('refuses uncommitted changes instead of cleaning them', async () => {
    const dir = workTree();
    const repo = await AugmentedRepo.open(dir);
    await repo.commit('one', AUTHOR, { original: null, pending: [] }, { force: true });
    await repo.close();
    writeFileSync(join(dir, 'scratch.txt'), 'operator notes');
    writeFileSync(join(dir, 'README.md'), 'edited');
    const error = await refusal(AugmentedRepo.open(dir));
    expect(error.code).toBe('AUGMENTED_REPO_DIRTY');
    expect(readFileSync(join(dir, 'scratch.txt'), 'utf8')).toBe('operator notes');
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe('edited');
  });

  it('refuses a non-empty work tree without commits', async () => {
    const dir = workTree();
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src/lib.rs'), 'fn main() {}');
    const error = await refusal(AugmentedRepo.open(dir));
    expect(error.code).toBe('AUGMENTED_REPO_DIRTY');
    expect(readFileSync(join(dir, 'src/lib.rs'), 'utf8')).toBe('fn main() {}');
  });

  it('completes a run that moved the branch but died before updating the work tree', async () => {
    const dir = workTree();
    const repo = await AugmentedRepo.open(dir);
    await repo.commit('one', AUTHOR, { original: null, pending: [] }, { force: true });
    await repo.close();
    // What a run killed between its ref update and its work-tree update leaves behind.
    const gitdir = join(dir, '.git');
    const blob = execFileSync('git', ['--git-dir', gitdir, 'hash-object', '-w', '--stdin'], {
      input: '{"name":"ab"}\n',
      encoding: 'utf8',
    }).trim();
    const index = join(dir, 'tmp-index');
    const env = { ...process.env, GIT_INDEX_FILE: index };
    execFileSync('git', ['--git-dir', gitdir, 'read-tree', 'HEAD'], { env });
    execFileSync(
      'git',
      ['--git-dir', gitdir, 'update-index', '--add', '--cacheinfo', `100644,${blob},2/ab`],
      { env },
    );
    const tree = execFileSync('git', ['--git-dir', gitdir, 'write-tree'], {
      env,
      encoding: 'utf8',
    }).trim();
    rmSync(index);
    const commit = execFileSync(
      'git',
      [
        '--git-dir',
        gitdir,
        '-c',
        'user.name=x',
        '-c',
        'user.email=x@x',
        'commit-tree',
        tree,
        '-p',
        'HEAD',
        '-m',
        'two',
      ],
      { encoding: 'utf8' },
    ).trim();
    execFileSync('git', ['--git-dir', gitdir, 'update-ref', 'refs/heads/master', commit]);
    const next = await AugmentedRepo.open(dir);
    expect(readFileSync(join(dir, '2/ab'), 'utf8')).toBe('{"name":"ab"}\n');
    expect(execFileSync('git', ['-C', dir, 'status', '--porcelain'], { encoding: 'utf8' })).toBe(
      '',
    );
    await next.close();
  });
});

describe('AugmentedRepo locations', () => {
  it('refuses a URL without a clone directory and a push without a remote, naming the input', async () => {
    const error = await refusal(AugmentedRepo.open('https://example.com/aug.git'));
    expect(error).toMatchObject({
      code: 'AUGMENTED_REPO_INVALID',
      input: 'https://example.com/aug.git',
    });
    const repo = await AugmentedRepo.open(fresh());
    expect((await refusal(repo.push())).code).toBe('AUGMENTED_REPO_INVALID');
    await repo.close();
  });

  it('refuses to write a path that is not a crate file of the index layout', async () => {
    const repo = await AugmentedRepo.open(fresh());
    for (const path of ['src/lib.rs', '../escape', '2/zz/ab', '.git/config'])
      expect((await refusal(repo.write(path, 'x'))).code).toBe('AUGMENTED_REPO_INVALID');
    await repo.close();
  });
});
