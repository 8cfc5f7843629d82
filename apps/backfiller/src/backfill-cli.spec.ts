/**
 * End-to-end on the local registry simulator: the fetcher mirrors, the backfiller builds the
 * augmented index, and its dev-dependencies equal what `cargo metadata --no-deps` says.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startGitServer,
  startRegistrySimulator,
  type RegistrySimulator,
} from '../../../tools/test-servers/index.mjs';
import { FETCHER, run } from './test-support/cli.js';

const HOSTILE = resolve(import.meta.dirname, '../../../test-fixtures/crates/parent-path.crate');
let sim: RegistrySimulator;
const dirs: string[] = [];
beforeAll(async () => {
  sim = await startRegistrySimulator({ crates: 8, versionsPerCrate: 2 });
  await sim.publish('demo', '1.0.0', { bytes: readFileSync(HOSTILE) });
});
afterAll(async () => {
  await sim.stop();
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});
function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ais-e2e-'));
  dirs.push(dir);
  return dir;
}
const mirror = (cwd: string) => run(['sync', '--index', sim.indexPath], { cwd, main: FETCHER });
const backfill = (cwd: string, ...args: string[]) =>
  run(['run', '--original-index', sim.indexPath, '--json', ...args], { cwd });

/** A file of the augmented repository's branch (it is kept bare: no work tree). */
function show(gitdir: string, path: string): string {
  return execFileSync('git', ['--git-dir', gitdir, 'show', `HEAD:${path}`], { encoding: 'utf8' });
}

/** Every file of the branch's tree, as path → blob id. */
function tree(gitdir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const listing = execFileSync('git', ['--git-dir', gitdir, 'ls-tree', '-r', 'HEAD'], {
    encoding: 'utf8',
  });
  for (const line of listing.trim().split('\n')) {
    const [meta = '', path = ''] = line.split('\t');
    out[path] = meta.split(' ')[2] ?? '';
  }
  return out;
}

function augmentedLines(cwd: string, name: string): Array<Record<string, unknown>> {
  const n = name.toLowerCase();
  const path =
    n.length <= 2
      ? `${n.length}/${n}`
      : n.length === 3
        ? `3/${n[0]}/${n}`
        : `${n.slice(0, 2)}/${n.slice(2, 4)}/${n}`;
  return show(join(cwd, '.lcs/augmented-index'), path)
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** dev-dependencies as `cargo metadata --no-deps --offline` reads the crate's own manifest. */
function cargoDevDeps(bytes: Buffer): unknown[] {
  const dir = mkdtempSync(join(tmpdir(), 'ais-cargo-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'c.crate'), bytes);
  execFileSync('tar', ['-xzf', 'c.crate'], { cwd: dir });
  const root = readdirSync(dir).find((f) => f !== 'c.crate') ?? '';
  const meta = JSON.parse(
    execFileSync(
      'cargo',
      [
        'metadata',
        '--no-deps',
        '--offline',
        '--format-version',
        '1',
        '--manifest-path',
        join(dir, root, 'Cargo.toml'),
      ],
      {
        encoding: 'utf8',
        env: { ...process.env, CARGO_HOME: join(dir, '.cargo') },
      },
    ),
  ) as { packages: Array<{ dependencies: Array<Record<string, unknown>> }> };
  return (meta.packages[0]?.dependencies ?? [])
    .filter((d) => d['kind'] === 'dev')
    .map((d) => ({
      name: d['rename'] ?? d['name'],
      req: d['req'],
      features: d['features'],
      optional: d['optional'],
      default_features: d['uses_default_features'],
      target: d['target'],
      kind: 'dev',
      ...(d['rename'] ? { package: d['name'] } : {}),
    }));
}

describe('ais-backfiller run (end to end)', () => {
  it('builds the augmented index from the mirrored crates; dev-dependencies match cargo metadata', async () => {
    const cwd = workdir();
    const mirrored = await mirror(cwd);
    expect(mirrored.code, mirrored.stderr).toBe(0);
    const first = await backfill(cwd);
    expect(first.code, first.stderr).toBe(0);
    // Creating the repository on the defaults is said, not done quietly.
    expect(first.messages).toContain('created a new one');
    expect(first.summary).toMatchObject({
      processed: 17,
      written: 16,
      failed: 1,
      skipped: 0,
      deferred: 0,
      files_changed: 9,
    });
    expect(first.summary?.['commit']).toMatch(/^[0-9a-f]{40}$/);
    for (const [id, crate] of sim.published) {
      if (crate.name === 'demo') continue;
      const line = augmentedLines(cwd, crate.name).find((l) => l['vers'] === crate.version);
      expect(line, id).toMatchObject({
        name: crate.name,
        cksum: crate.cksum,
        schema: 2,
        edition: '2018',
      });
      expect(line?.['dev_deps'], id).toEqual(cargoDevDeps(crate.bytes));
    }
    // The hostile crate is recorded with its error and did not stop the run.
    expect(augmentedLines(cwd, 'demo')[0]).toMatchObject({
      vers: '1.0.0',
      error: { code: 'CRATE_PATH_OUTSIDE_ROOT' },
    });
    expect(augmentedLines(cwd, 'demo')[0]).not.toHaveProperty('dev_deps');
    expect(show(join(cwd, '.lcs/augmented-index'), 'README.md')).toContain('dev_deps');
    expect(JSON.parse(show(join(cwd, '.lcs/augmented-index'), 'config.json'))).toMatchObject({
      schema: 2,
      fields: { dev_deps: 1, edition: 1, targets: 1 },
    });

    const again = await backfill(cwd);
    expect(again.code).toBe(0);
    expect(again.summary).toMatchObject({ processed: 0, files_changed: 0, commit: null });
    expect(again.messages).not.toContain('created a new one');
    const log = execFileSync(
      'git',
      ['--git-dir', join(cwd, '.lcs/augmented-index'), 'log', '--format=%s'],
      { encoding: 'utf8' },
    )
      .trim()
      .split('\n');
    expect(log).toHaveLength(1);
  }, 120_000);

  it('is deterministic: the same inputs give byte-identical files', async () => {
    const [a, b] = [workdir(), workdir()];
    for (const cwd of [a, b]) {
      await mirror(cwd);
      await backfill(cwd, '--concurrency', cwd === a ? '1' : '8');
    }
    const ta = tree(join(a, '.lcs/augmented-index'));
    expect(Object.keys(ta).length).toBeGreaterThan(5);
    expect(tree(join(b, '.lcs/augmented-index'))).toEqual(ta);
  }, 120_000);

  it('adds new publishes, rewrites a re-published version (cksum changed), skips crates not mirrored yet', async () => {
    const cwd = workdir();
    await mirror(cwd);
    await backfill(cwd);
    const [a = '', b = ''] = sim.names;
    const republished = await sim.publish(a, '0.1.0', { salt: ' re-published', commit: false });
    await sim.publish(b, '0.5.0', { commit: false });
    sim.commit('new and re-published');
    // Before the fetcher ran: the new version is not in the store, and the store's copy of the
    // re-published one has the old bytes (its digest differs from the index): both are skipped.
    const early = await backfill(cwd);
    expect(early.code).toBe(1);
    expect(early.summary).toMatchObject({ skipped: 2, written: 0 });
    // `status` shows what is left, read without touching the repository or the lock.
    const shown = await run(['status', '--json'], { cwd });
    expect(shown.code, shown.stderr).toBe(0);
    const status = JSON.parse(shown.stdout.trim()) as {
      exists: boolean;
      head: string;
      original_commit: string;
      pending: string[];
      history: Array<{ commit: string }>;
      lock_holder: string | null;
    };
    expect(status.exists).toBe(true);
    expect(status.original_commit).toBe(
      execFileSync('git', ['-C', sim.indexPath, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim(),
    );
    expect(status.pending).toHaveLength(2);
    expect(status.history[0]?.commit).toBe(status.head);
    expect(status.lock_holder).toBeNull();
    expect((await run(['status'], { cwd })).stdout).toContain('pending    2 crate files');
    expect(early.stderr).toContain('does not match the index cksum');
    await mirror(cwd);
    const second = await backfill(cwd);
    expect(second.code, second.stderr).toBe(0);
    expect(second.summary).toMatchObject({ written: 2, skipped: 0 });
    expect(augmentedLines(cwd, a).find((l) => l['vers'] === '0.1.0')?.['cksum']).toBe(
      republished.cksum,
    );
    expect(augmentedLines(cwd, b).map((l) => l['vers'])).toEqual(['0.1.0', '0.1.1', '0.5.0']);
  }, 120_000);

  it('caps work with --max-crates and pushes to a git smart-HTTP server', async () => {
    const cwd = workdir();
    await mirror(cwd);
    const remotes = workdir();
    mkdirSync(join(remotes, 'augmented.git'));
    execFileSync('git', ['init', '-q', '--bare', join(remotes, 'augmented.git')]);
    const server = await startGitServer(remotes);
    try {
      const url = `${server.endpoint}/augmented.git`;
      const capped = await backfill(
        cwd,
        '--augmented-index',
        url,
        '--augmented-index-dir',
        join(cwd, 'clone'),
        '--max-crates',
        '5',
        '--push',
      );
      expect(capped.code, capped.stderr).toBe(1);
      expect(capped.summary).toMatchObject({ processed: 5 });
      const rest = await backfill(
        cwd,
        '--augmented-index',
        url,
        '--augmented-index-dir',
        join(cwd, 'clone2'),
        '--push',
      );
      expect(rest.code, rest.stderr).toBe(0);
      expect(rest.summary?.['processed']).toBeGreaterThan(10);
      const pushed = execFileSync(
        'git',
        ['--git-dir', join(remotes, 'augmented.git'), 'log', '--format=%H', 'master'],
        { encoding: 'utf8' },
      )
        .trim()
        .split('\n');
      expect(pushed[0]).toBe(rest.summary?.['commit']);
      expect(pushed).toHaveLength(2);
    } finally {
      await server.stop();
    }
  }, 120_000);

  it('prints its version, the one in its package.json, and refuses a misspelt flag naming the right one', async () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../package.json'), 'utf8')) as {
      version: string;
    };
    for (const args of [['-V'], ['run', '--version']]) {
      const shown = await run(args, { cwd: workdir() });
      expect(shown.code, args.join(' ')).toBe(0);
      expect(shown.stdout).toBe(`ais-backfiller ${pkg.version}\n`);
    }
    const typo = await run(['run', '--max-crate', '5', '--json'], { cwd: workdir() });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('unknown option --max-crate (did you mean --max-crates?)');
    expect(typo.summary).toMatchObject({ status: 'error', error: { code: 'CONFIG_INVALID' } });
  });

  it('refuses bad configuration with exit 2 naming the input', async () => {
    const bad = await run(['run', '--author', 'nobody', '--json'], { cwd: workdir() });
    expect(bad.code).toBe(2);
    expect(bad.messages).toContain('--author "nobody"');
    expect(bad.summary).toMatchObject({ status: 'error', error: { code: 'CONFIG_INVALID' } });
  });

  it('refuses, with exit 2 and nothing changed, a directory with files and a remote of another project', async () => {
    const cwd = workdir();
    await mirror(cwd);
    const plain = join(cwd, 'notes');
    mkdirSync(plain);
    writeFileSync(join(plain, 'todo.txt'), 'mine');
    const refused = await backfill(cwd, '--augmented-index', plain);
    expect(refused.code).toBe(2);
    expect(refused.summary).toMatchObject({
      status: 'error',
      error: { code: 'AUGMENTED_REPO_FOREIGN' },
    });
    expect(readdirSync(plain)).toEqual(['todo.txt']);

    // A remote whose history is another project's: refused, not adopted, not pushed to.
    const remotes = workdir();
    const other = join(remotes, 'other.git');
    execFileSync('git', ['init', '-q', '--bare', other]);
    const src = workdir();
    execFileSync('git', ['init', '-q', src]);
    writeFileSync(join(src, 'Cargo.toml'), '[package]\nname = "x"\n');
    execFileSync('git', ['-C', src, 'add', '.']);
    execFileSync('git', [
      '-C',
      src,
      '-c',
      'user.name=x',
      '-c',
      'user.email=x@x',
      'commit',
      '-qm',
      'x',
    ]);
    execFileSync('git', ['-C', src, 'push', '-q', other, 'HEAD:refs/heads/master']);
    const before = execFileSync('git', ['--git-dir', other, 'rev-parse', 'master'], {
      encoding: 'utf8',
    });
    const server = await startGitServer(remotes);
    try {
      const foreign = await backfill(
        cwd,
        '--augmented-index',
        `${server.endpoint}/other.git`,
        '--augmented-index-dir',
        join(cwd, 'clone'),
        '--push',
      );
      expect(foreign.code).toBe(2);
      expect(foreign.summary).toMatchObject({ error: { code: 'AUGMENTED_REPO_FOREIGN' } });
    } finally {
      await server.stop();
    }
    expect(
      execFileSync('git', ['--git-dir', other, 'rev-parse', 'master'], { encoding: 'utf8' }),
    ).toBe(before);
  });

  it('reports a refused push with exit 4 and its own summary field; the next run fetches and completes', async () => {
    const cwd = workdir();
    await mirror(cwd);
    const remotes = workdir();
    const bare = join(remotes, 'aug.git');
    execFileSync('git', ['init', '-q', '--bare', bare]);
    // The remote refuses every push (as a protected branch or a moved-on remote would).
    const hook = join(bare, 'hooks', 'pre-receive');
    writeFileSync(hook, '#!/bin/sh\necho "branch is protected" >&2\nexit 1\n', { mode: 0o755 });
    const server = await startGitServer(remotes);
    try {
      const url = `${server.endpoint}/aug.git`;
      const refused = await backfill(
        cwd,
        '--augmented-index',
        url,
        '--augmented-index-dir',
        join(cwd, 'a'),
        '--push',
      );
      expect(refused.code).toBe(4);
      expect(refused.summary).toMatchObject({ push: 'rejected' });
      expect(refused.summary?.['commit']).toMatch(/^[0-9a-f]{40}$/);
      expect(
        refused.logs.some(
          (l) => l['level'] === 'error' && String(l['msg']).startsWith('push rejected'),
        ),
      ).toBe(true);
      rmSync(hook);
      const next = await backfill(
        cwd,
        '--augmented-index',
        url,
        '--augmented-index-dir',
        join(cwd, 'a'),
        '--push',
      );
      expect(next.code, next.stderr).toBe(0);
      // Nothing new to write: the commit the remote refused is pushed now.
      expect(next.summary).toMatchObject({ push: 'pushed', commit: null, pending_files: 0 });
      const remoteHead = execFileSync('git', ['--git-dir', bare, 'rev-parse', 'master'], {
        encoding: 'utf8',
      });
      expect(remoteHead.trim()).toBe(refused.summary?.['commit']);

      // Once the remote has history: a refused commit on top of it is kept in the clone (not reset
      // to the remote) and pushed by the next run.
      const [name = ''] = sim.names;
      await sim.publish(name, '0.9.0');
      await mirror(cwd);
      writeFileSync(hook, '#!/bin/sh\nexit 1\n', { mode: 0o755 });
      const again = await backfill(
        cwd,
        '--augmented-index',
        url,
        '--augmented-index-dir',
        join(cwd, 'a'),
        '--push',
      );
      expect(again.code).toBe(4);
      expect(again.summary).toMatchObject({ written: 1, push: 'rejected' });
      rmSync(hook);
      const delivered = await backfill(
        cwd,
        '--augmented-index',
        url,
        '--augmented-index-dir',
        join(cwd, 'a'),
        '--push',
      );
      expect(delivered.summary).toMatchObject({ push: 'pushed', commit: null, processed: 0 });
      expect(
        execFileSync('git', ['--git-dir', bare, 'rev-parse', 'master'], {
          encoding: 'utf8',
        }).trim(),
      ).toBe(again.summary?.['commit']);
    } finally {
      await server.stop();
    }
  }, 120_000);
});
