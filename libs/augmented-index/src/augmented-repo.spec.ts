/** The repository through isomorphic-git: creation, no empty commits, crash recovery through the journal. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AugmentedRepo } from './augmented-repo.js';
import { AugmentedIndexError } from './errors.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const AUTHOR = { name: 'AIS test', email: 'ais@example.com' };
const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' }).trim();

function fresh(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'ais-repo-')), 'augmented');
  dirs.push(dir);
  return dir;
}

describe('AugmentedRepo', () => {
  it('creates a repository with its README and config, and commits only when something changed', async () => {
    const dir = fresh();
    const repo = await AugmentedRepo.open(dir, { original: 'https://example.com/index' });
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toMatchObject({
      schema: 1,
      augments: 'https://example.com/index',
    });
    await repo.write('3/d/dem', '{"name":"dem"}\n');
    const first = await repo.commit('first', AUTHOR);
    expect(first).toMatch(/^[0-9a-f]{40}$/);
    expect(git(dir, 'ls-files').split('\n').sort()).toEqual([
      '3/d/dem',
      'README.md',
      'config.json',
    ]);
    // The same content written again is no change: no empty commit.
    await repo.write('3/d/dem', '{"name":"dem"}\n');
    expect(await repo.commit('nothing', AUTHOR)).toBeNull();
    await repo.remove('3/d/dem');
    expect(await repo.commit('removed', AUTHOR)).toMatch(/^[0-9a-f]{40}$/);
    expect(git(dir, 'ls-files')).not.toContain('3/d/dem');
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });

  it('commits, on the next run, files a crashed run wrote but did not commit', async () => {
    const dir = fresh();
    const crashed = await AugmentedRepo.open(dir);
    await crashed.commit('initial', AUTHOR);
    await crashed.write('2/ab', '{"name":"ab"}\n');
    // The process dies here: no commit. The next run opens the repository again.
    const next = await AugmentedRepo.open(dir);
    expect(await next.pending()).toEqual(['2/ab']);
    expect(await next.commit('recovered', AUTHOR)).toMatch(/^[0-9a-f]{40}$/);
    expect(git(dir, 'status', '--porcelain')).toBe('');
    expect(existsSync(join(dir, '.git', 'ais-pending'))).toBe(false);
  });

  it('refuses a URL without a clone directory and a push without a remote, naming the input', async () => {
    await expect(AugmentedRepo.open('https://example.com/aug.git')).rejects.toMatchObject({
      code: 'AUGMENTED_REPO_INVALID',
      input: 'https://example.com/aug.git',
    });
    const repo = await AugmentedRepo.open(fresh());
    const error = await repo.push().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AugmentedIndexError);
    expect((error as AugmentedIndexError).code).toBe('AUGMENTED_REPO_INVALID');
  });
});
