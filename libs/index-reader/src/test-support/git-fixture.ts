import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** The repository root (this file is libs/index-reader/src/test-support/). */
export const WORKSPACE_ROOT = resolve(import.meta.dirname, '../../../..');
/** The committed fixture index. */
export const FIXTURE_INDEX = join(WORKSPACE_ROOT, 'test-fixtures/index');
/** The real crates.io index of 2019-11-10, a git bundle shipped beside the repository. */
export const REAL_INDEX_BUNDLE =
  process.env['LCS_INDEX_BUNDLE'] ??
  resolve(WORKSPACE_ROOT, '../shared/data/crates.io-index-2019-11-10.bundle');

/** Runs git in `cwd` with a fixed identity and returns its trimmed stdout. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
    },
  }).trim();
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = 'lcs-test-'): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** Writes `files` (path -> content) under `root`. */
export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

/** A git work tree initialised from the fixture index with one commit; returns its path. */
export function fixtureRepo(into: string): string {
  const repo = join(into, 'index');
  cpSync(FIXTURE_INDEX, repo, { recursive: true });
  git(repo, 'init', '-q', '-b', 'master');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'fixture');
  return repo;
}
