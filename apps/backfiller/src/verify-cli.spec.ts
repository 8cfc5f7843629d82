/**
 * `ais-backfiller verify` end to end: the fetcher mirrors the simulator's crates, the backfiller
 * builds the augmented index, and verify regenerates its lines, names a hand edit by field and
 * version, refuses bad input with exit 2, and writes nothing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startRegistrySimulator,
  type RegistrySimulator,
} from '../../../tools/test-servers/index.mjs';
import { FETCHER, run } from './test-support/cli.js';

let sim: RegistrySimulator;
const dirs: string[] = [];
beforeAll(async () => {
  sim = await startRegistrySimulator({ crates: 5, versionsPerCrate: 2 });
});
afterAll(async () => {
  await sim.stop();
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});
function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ais-verify-'));
  dirs.push(dir);
  return dir;
}

/** A mirrored store and a backfilled augmented index in a fresh directory. */
async function mirroredAndBackfilled(): Promise<{ cwd: string; gitdir: string }> {
  const cwd = workdir();
  const mirrored = await run(['sync', '--index', sim.indexPath], { cwd, main: FETCHER });
  expect(mirrored.code, mirrored.stderr).toBe(0);
  const filled = await run(['run', '--original-index', sim.indexPath], { cwd });
  expect(filled.code, filled.stderr).toBe(0);
  return { cwd, gitdir: join(cwd, '.lcs/augmented-index') };
}

/** Commits `change` to one crate file's first line in the bare repository, with git plumbing. */
function editFirstLine(
  gitdir: string,
  path: string,
  change: (entry: Record<string, unknown>) => void,
) {
  const index = join(workdir(), 'index');
  const git = (args: string[], input?: string) =>
    execFileSync('git', ['--git-dir', gitdir, ...args], {
      encoding: 'utf8',
      env: { ...process.env, GIT_INDEX_FILE: index },
      ...(input !== undefined ? { input } : {}),
    }).trim();
  const [first = '', ...rest] = git(['show', `HEAD:${path}`]).split('\n');
  const entry = JSON.parse(first) as Record<string, unknown>;
  change(entry);
  git(['read-tree', 'HEAD']);
  const blob = git(
    ['hash-object', '-w', '--stdin'],
    `${[JSON.stringify(entry), ...rest].join('\n')}\n`,
  );
  git(['update-index', '--cacheinfo', `100644,${blob},${path}`]);
  const tree = git(['write-tree']);
  const commit = git([
    '-c',
    'user.name=op',
    '-c',
    'user.email=op@example.com',
    'commit-tree',
    tree,
    '-p',
    'HEAD',
    '-m',
    'hand edit',
  ]);
  git(['update-ref', 'refs/heads/master', commit]);
}

const footprint = (gitdir: string) =>
  execFileSync('git', ['--git-dir', gitdir, 'for-each-ref'], { encoding: 'utf8' }) +
  execFileSync('git', ['--git-dir', gitdir, 'count-objects', '-v'], { encoding: 'utf8' });

const pathOf = (name: string) =>
  name.length <= 2
    ? `${name.length}/${name}`
    : name.length === 3
      ? `3/${name[0]}/${name}`
      : `${name.slice(0, 2)}/${name.slice(2, 4)}/${name}`;

describe('ais-backfiller verify', () => {
  it('finds no drift in what it just built, names a hand edit by field and version, writes nothing', async () => {
    const { cwd, gitdir } = await mirroredAndBackfilled();
    const clean = await run(['verify', '--json'], { cwd });
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.summary).toMatchObject({
      command: 'verify',
      commit: execFileSync('git', ['--git-dir', gitdir, 'rev-parse', 'HEAD'], {
        encoding: 'utf8',
      }).trim(),
      files: 5,
      lines: 10,
      checked: 10,
      matching: 10,
      drifted: 0,
      fields: {},
    });

    const [name = ''] = [...sim.names].sort();
    editFirstLine(gitdir, pathOf(name), (entry) => {
      entry['edition'] = '2015';
    });
    const before = footprint(gitdir);
    const drifted = await run(['verify'], { cwd });
    expect(drifted.code, drifted.stderr).toBe(1);
    expect(drifted.stdout).toContain('drift      edition: 1 versions');
    expect(drifted.stdout).toMatch(
      new RegExp(`${name}@0\\.1\\.0: committed "2015", regenerated "20\\d\\d"`),
    );
    expect(drifted.stdout).toContain('10 regenerated: 9 match, 1 drifted');
    expect(footprint(gitdir)).toBe(before);

    // A sample reads fewer crates, and the same seed the same ones.
    const sampled = await run(['verify', '--sample', '0.5', '--seed', 'ci', '--json'], { cwd });
    const again = await run(['verify', '--json'], {
      cwd,
      env: { AIS_VERIFY_SAMPLE: '0.5', AIS_VERIFY_SEED: 'ci' },
    });
    expect(sampled.summary).toMatchObject({ sample: 0.5, seed: 'ci', lines: 10 });
    expect(sampled.summary?.['checked']).toBeLessThan(10);
    expect(again.summary?.['checked']).toBe(sampled.summary?.['checked']);
  }, 120_000);

  it('refuses bad input with exit 2 naming it, and creates nothing', async () => {
    const cwd = workdir();
    const zero = await run(['verify', '--sample', '0', '--json'], { cwd });
    expect(zero.code).toBe(2);
    expect(zero.messages).toContain('--sample "0"');
    const foreign = await run(['verify', '--max-crates', '5'], { cwd });
    expect(foreign.code).toBe(2);
    expect(foreign.messages).toContain('--max-crates is not an option of verify');
    const notRun = await run(['run', '--sample', '0.5'], { cwd });
    expect(notRun.code).toBe(2);
    expect(notRun.messages).toContain('--sample is not an option of run');
    const none = await run(['verify', '--json'], { cwd });
    expect(none.code).toBe(2);
    expect(none.summary).toMatchObject({ error: { code: 'AUGMENTED_REPO_INVALID' } });
    expect(existsSync(join(cwd, '.lcs/augmented-index'))).toBe(false);
  }, 60_000);
});
