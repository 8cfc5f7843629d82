/**
 * A run costs what changed: incremental joins from the recorded original commit, the durable
 * pending list, the full-join fallbacks, checkpoints and stops, the manifest identity check, and
 * the worker pool giving the same entries as the main thread. The original index is the registry
 * simulator's real git repository; crates come from a small in-memory store.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { CrateArchiveError } from '@lcs/cargo-manifest';
import { GitIndexSource, indexPath } from '@lcs/index-reader';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startRegistrySimulator,
  type RegistrySimulator,
} from '../../../../tools/test-servers/index.mjs';
import { AugmentedRepo } from '../repo/augmented-repo.js';
import {
  backfill,
  type BackfillOptions,
  type BackfillSummary,
  type CrateSource,
} from './backfill.js';
import { CrateParserPool } from './crate-parser-pool.js';
import { MANIFEST_MISMATCH } from '../entry/entry-generator.js';
import { defineField } from '../fields/field.js';
import { FieldSet } from '../fields/field-set.js';

const AUTHOR = { name: 'AIS test', email: 'ais@example.com' };
const KILLED = resolve(import.meta.dirname, '../test-support/killed-backfill.mjs');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

let sim: RegistrySimulator;
/** The store: what the fetcher mirrored (`name@version` → bytes). */
let store: Map<string, Buffer>;
let augmented: string;
beforeEach(async () => {
  sim = await startRegistrySimulator({ crates: 6, versionsPerCrate: 2 });
  store = new Map([...sim.published].map(([id, c]) => [id, c.bytes]));
  augmented = join(mkdtempSync(join(tmpdir(), 'ais-backfill-')), 'augmented');
  dirs.push(augmented);
});
afterEach(() => sim.stop());

const crates: CrateSource = {
  get: async ({ name, version }) => {
    const bytes = store.get(`${name}@${version}`);
    return bytes
      ? (async function* () {
          yield bytes;
        })()
      : undefined;
  },
};

async function run(
  options: Partial<BackfillOptions> = {},
  location = augmented,
): Promise<BackfillSummary> {
  const original = await GitIndexSource.open(sim.indexPath);
  const repo = await AugmentedRepo.open(location);
  try {
    return await backfill({
      original,
      originalCommit: { oid: original.commit.oid, store: original.store },
      repo,
      crates,
      author: AUTHOR,
      ...options,
    });
  } finally {
    await repo.close();
    await original.close();
  }
}

const show = (path: string, gitdir = augmented) =>
  execFileSync('git', ['--git-dir', gitdir, 'show', `HEAD:${path}`], { encoding: 'utf8' });
const lines = (name: string) =>
  show(indexPath(name))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const git = (...args: string[]) =>
  execFileSync('git', ['--git-dir', augmented, ...args], { encoding: 'utf8' }).trim();
const headOf = () =>
  execFileSync('git', ['-C', sim.indexPath, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();

describe('backfill', () => {
  it('joins only the crate files changed since the recorded original commit', async () => {
    const first = await run();
    expect(first).toMatchObject({ mode: 'full', files_joined: 6, written: 12, pending_files: 0 });
    expect(
      execFileSync('git', ['--git-dir', augmented, 'log', '-1', '--format=%B'], {
        encoding: 'utf8',
      }),
    ).toContain(`AIS-Original-Commit: ${headOf()}`);
    const [a = ''] = sim.names;
    await sim.publish(a, '0.2.0');
    store.set(`${a}@0.2.0`, sim.published.get(`${a}@0.2.0`)?.bytes ?? Buffer.alloc(0));
    const second = await run();
    expect(second).toMatchObject({
      mode: 'incremental',
      files_joined: 1,
      written: 1,
      processed: 1,
    });
    expect(lines(a).map((l) => l['vers'])).toEqual(['0.1.0', '0.1.1', '0.2.0']);
    const idle = await run();
    expect(idle).toMatchObject({
      mode: 'incremental',
      files_joined: 0,
      processed: 0,
      commit: null,
    });
  });

  it('keeps versions not in the store pending, across runs, until they are', async () => {
    const [, b = ''] = sim.names;
    store.delete(`${b}@0.1.1`);
    const first = await run();
    expect(first).toMatchObject({ skipped: 1, pending_files: 1 });
    expect(show('.ais/pending')).toBe(`${indexPath(b)}\n`);
    // Nothing changed in the original index: only the pending file is joined again.
    const still = await run();
    expect(still).toMatchObject({
      mode: 'incremental',
      files_joined: 1,
      skipped: 1,
      pending_files: 1,
    });
    store.set(`${b}@0.1.1`, sim.published.get(`${b}@0.1.1`)?.bytes ?? Buffer.alloc(0));
    const done = await run();
    expect(done).toMatchObject({
      mode: 'incremental',
      files_joined: 1,
      written: 1,
      pending_files: 0,
    });
    expect(() => show('.ais/pending')).toThrow();
    expect(lines(b).map((l) => l['vers'])).toEqual(['0.1.0', '0.1.1']);
  });

  it('falls back to a full join when the recorded commit is not in the original (a squash), then is incremental again', async () => {
    await run();
    // Squash the original: same files, one new root commit; the recorded commit is gone.
    const tree = execFileSync('git', ['-C', sim.indexPath, 'rev-parse', 'HEAD^{tree}'], {
      encoding: 'utf8',
    }).trim();
    const root = execFileSync(
      'git',
      [
        '-C',
        sim.indexPath,
        '-c',
        'user.name=x',
        '-c',
        'user.email=x@x',
        'commit-tree',
        tree,
        '-m',
        'squash',
      ],
      { encoding: 'utf8' },
    ).trim();
    execFileSync('git', ['-C', sim.indexPath, 'reset', '-q', '--hard', root]);
    execFileSync('git', ['-C', sim.indexPath, 'reflog', 'expire', '--expire=now', '--all']);
    execFileSync('git', ['-C', sim.indexPath, 'gc', '-q', '--prune=now']);
    const full = await run();
    expect(full.mode).toBe('full');
    expect(full.mode_reason).toContain('squashed');
    expect(full).toMatchObject({ processed: 0, files_joined: 6 });
    expect(full.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(await run()).toMatchObject({ mode: 'incremental', files_joined: 0 });
  });

  it('falls back to a full join when the recorded commit is there but its trees are not', async () => {
    await run();
    // A commit object whose tree the repository never received (as a shallow clone can hold).
    const bogus = execFileSync(
      'git',
      ['-C', sim.indexPath, 'hash-object', '-t', 'commit', '-w', '--literally', '--stdin'],
      {
        input: `tree ${'d'.repeat(40)}\nauthor x <x@x> 0 +0000\ncommitter x <x@x> 0 +0000\n\nshallow\n`,
        encoding: 'utf8',
      },
    ).trim();
    const repo = await AugmentedRepo.open(augmented);
    await repo.commit('point at it', AUTHOR, { original: bogus, pending: [] }, { force: true });
    await repo.close();
    const full = await run();
    expect(full.mode).toBe('full');
    expect(full.mode_reason).toContain(`cannot diff from ${bogus}`);
    expect(full).toMatchObject({ processed: 0, files_joined: 6 });
  });

  it('runs a full join on --full and when the original has no commits recorded yet', async () => {
    await run();
    const forced = await run({ full: true });
    expect(forced).toMatchObject({
      mode: 'full',
      mode_reason: 'asked for (--full)',
      processed: 0,
      commit: null,
    });
  });

  it('defers work past --max-crates and a stop to the pending list, and the next run completes it', async () => {
    await run();
    const names = sim.names.slice(0, 3);
    for (const name of names) {
      await sim.publish(name, '0.3.0', { commit: false });
      store.set(`${name}@0.3.0`, sim.published.get(`${name}@0.3.0`)?.bytes ?? Buffer.alloc(0));
    }
    sim.commit('three new versions');
    const capped = await run({ maxCrates: 1, concurrency: 1 });
    expect(capped).toMatchObject({
      mode: 'incremental',
      processed: 1,
      deferred: 2,
      pending_files: 2,
    });
    const stop = new AbortController();
    stop.abort();
    const stopped = await run({ signal: stop.signal });
    expect(stopped).toMatchObject({ interrupted: true, processed: 0, pending_files: 2 });
    const rest = await run();
    expect(rest).toMatchObject({ processed: 2, pending_files: 0 });
    for (const name of names) expect(lines(name).at(-1)?.['vers']).toBe('0.3.0');
  });

  it('commits checkpoints on long runs; a run stopped after one keeps its work', async () => {
    const stop = new AbortController();
    let gets = 0;
    const stopping: CrateSource = {
      get: (ref) => {
        if (++gets === 5) stop.abort();
        return crates.get(ref);
      },
    };
    const first = await run({
      checkpointEntries: 3,
      concurrency: 1,
      signal: stop.signal,
      crates: stopping,
    });
    expect(first).toMatchObject({ interrupted: true, processed: 5, commits: 2 });
    expect(git('rev-list', '--count', 'HEAD')).toBe('2');
    expect(git('fsck', '--strict', '--no-dangling')).toBe('');
    // The stopped full join recorded no original commit: the next one joins everything again,
    // keeping what was committed and generating only the rest.
    const rest = await run({ checkpointEntries: 3 });
    expect(rest).toMatchObject({ mode: 'full', processed: 7, written: 7, pending_files: 0 });
  });

  it('weighs a line generated from the index alone as 1/64 of a crate read against checkpoints', async () => {
    expect(await run()).toMatchObject({ written: 12, commits: 1 });
    const dep = defineField({
      name: 'dep_total',
      version: 1,
      source: 'index',
      generate: ({ index }) => (index['deps'] as unknown[]).length,
    });
    const fields = new FieldSet([{ module: 'test', fields: [dep] }]);
    // 12 index-only lines weigh less than one read: no checkpoint, where each line made one before.
    const indexOnly = await run({ fields, checkpointEntries: 1, concurrency: 1 });
    expect(indexOnly).toMatchObject({ written: 12, crates_read: 0, commits: 1 });
    // Crate reads still checkpoint at their own count.
    const raised = new FieldSet([
      {
        module: 'test',
        fields: [dep, { ...dep, name: 'has_src', source: 'crate', generate: () => true }],
      },
    ]);
    const reads = await run({ fields: raised, checkpointEntries: 4, concurrency: 1 });
    expect(reads).toMatchObject({ written: 12, crates_read: 12, commits: 4 }); // 3 checkpoints, then the last
  });

  it('leaves a valid repository when killed (SIGKILL) mid-run; the next run completes without duplicates', async () => {
    const cratesJson = join(mkdtempSync(join(tmpdir(), 'ais-kill-')), 'crates.json');
    dirs.push(dirname(cratesJson));
    writeFileSync(
      cratesJson,
      JSON.stringify(Object.fromEntries([...store].map(([id, b]) => [id, b.toString('hex')]))),
    );
    const child = spawn(process.execPath, [KILLED, sim.indexPath, augmented, cratesJson], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((res, rej) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('hanging') && res());
      child.once('exit', (code) => rej(new Error(`exited early with ${code}`)));
    });
    child.kill('SIGKILL');
    await new Promise((res) => child.once('exit', res));
    // The checkpoint is committed (whole files, at least 3 entries); the rest left only
    // unreferenced objects.
    expect(git('rev-list', '--count', 'HEAD')).toBe('1');
    expect(git('fsck', '--strict', '--no-dangling')).toBe('');
    const committed = git('grep', '-c', '"vers"', 'HEAD', '--', '*/*')
      .split('\n')
      .reduce((sum, line) => sum + Number(line.split(':').at(-1)), 0);
    expect(committed).toBeGreaterThanOrEqual(3);
    expect(committed).toBeLessThan(12);
    // The killed writer's staging ref is left behind, until the next run sweeps it.
    expect(git('for-each-ref', 'refs/ais/')).toMatch(/refs\/ais\/staging-/);
    const rest = await run();
    expect(rest).toMatchObject({ mode: 'full', written: 12 - committed, pending_files: 0 });
    expect(git('for-each-ref', 'refs/ais/')).toBe('');
    for (const name of sim.names) {
      const versions = lines(name).map((l) => l['vers']);
      expect(new Set(versions).size, name).toBe(versions.length);
      expect(versions).toHaveLength(2);
    }
  });

  it('gives a full join a total, counted from the original trees, so progress has an ETA', async () => {
    const big = await startRegistrySimulator({ crates: 1001, versionsPerCrate: 1 });
    const original = await GitIndexSource.open(big.indexPath);
    const repo = await AugmentedRepo.open(augmented);
    const seen: Array<{ files: number; total?: number }> = [];
    try {
      const summary = await backfill({
        original,
        originalCommit: { oid: original.commit.oid, store: original.store },
        repo,
        crates: { get: async () => undefined },
        author: AUTHOR,
        concurrency: 2,
        onProgress: (p) => seen.push(p),
      });
      expect(summary).toMatchObject({ mode: 'full', files_joined: 1001 });
    } finally {
      await repo.close();
      await original.close();
      await big.stop();
    }
    expect(seen.map((p) => p.files)).toEqual([500, 1000]);
    // The count runs beside the join: by the second report at the latest it is known.
    expect(seen.at(-1)?.total).toBe(1001);
  }, 120_000);

  it('records an error line when the manifest names another package or version', async () => {
    const [a = ''] = sim.names;
    // The archive's root is the version's own (`{name}-{vers}/`), but its manifest is another package's.
    const dir = mkdtempSync(join(tmpdir(), 'ais-impostor-'));
    dirs.push(dir);
    mkdirSync(join(dir, `${a}-0.4.0`));
    writeFileSync(
      join(dir, `${a}-0.4.0/Cargo.toml`),
      '[package]\nname = "impostor"\nversion = "9.9.9"\nedition = "2018"\n',
    );
    execFileSync('tar', ['-czf', 'c.crate', `${a}-0.4.0`], { cwd: dir });
    const bytes = readFileSync(join(dir, 'c.crate'));
    await sim.publish(a, '0.4.0', { bytes });
    store.set(`${a}@0.4.0`, bytes);
    const summary = await run();
    expect(summary).toMatchObject({ failed: 1 });
    expect(lines(a).at(-1)).toMatchObject({
      vers: '0.4.0',
      error: { code: MANIFEST_MISMATCH },
      fields: { dev_deps: 1, cargo_lock: 1 },
    });
    // Recorded once, for the crate: no crate field holds a value.
    expect(lines(a).at(-1)).not.toHaveProperty('dev_deps');
  });

  it('writes the same entries with crates read on worker threads', async () => {
    const pool = new CrateParserPool(
      2,
      new URL('../../dist/backfill/crate-parser-worker.js', import.meta.url),
    );
    try {
      await run({ parse: pool.parse });
    } finally {
      await pool.close();
    }
    const other = join(mkdtempSync(join(tmpdir(), 'ais-backfill-')), 'augmented');
    dirs.push(other);
    await run({}, other);
    const tree = (gitdir: string) =>
      execFileSync('git', ['--git-dir', gitdir, 'rev-parse', 'HEAD^{tree}'], { encoding: 'utf8' });
    expect(tree(augmented)).toBe(tree(other));
  });

  it('hands back a refused crate from a worker as the class it was thrown as', async () => {
    const pool = new CrateParserPool(
      1,
      new URL('../../dist/backfill/crate-parser-worker.js', import.meta.url),
    );
    try {
      const refused = await pool
        .parse(new Uint8Array([0x1f, 0x8b, 0, 1, 2, 3]), { name: 'demo', version: '1.0.0' })
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(CrateArchiveError);
      expect(refused).toMatchObject({
        code: 'CRATE_CORRUPT',
        crate: 'demo-1.0.0',
        kind: 'bad-input',
      });
    } finally {
      await pool.close();
    }
    await expect(
      pool.parse(new Uint8Array(1), { name: 'demo', version: '1.0.0' }),
    ).rejects.toMatchObject({
      code: 'AUGMENTED_WORKER_FAILED',
      kind: 'transient',
    });
  });
});
