/**
 * Operator corrections end to end: a commit of `.ais/overrides.json` (as an operator makes it, with
 * git, without the backfiller's trailer) is applied by the next run to the crates it names only,
 * the generator never overwrites it, removing it brings the generated value back, and a bad file
 * stops the run before anything is written. The original index is the registry simulator's.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitIndexSource, indexPath } from '@lcs/index-reader';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startRegistrySimulator,
  type RegistrySimulator,
} from '../../../../tools/test-servers/index.mjs';
import { AugmentedIndexError } from '../errors.js';
import { AugmentedRepo } from '../repo/augmented-repo.js';
import { readAugmentedStatus } from '../repo/repo-status.js';
import { backfill, type BackfillOptions, type CrateSource } from '../backfill/backfill.js';
import { FieldSet } from '../fields/field-set.js';
import { Overrides, OVERRIDES_PATH } from './overrides.js';

const AUTHOR = { name: 'AIS test', email: 'ais@example.com' };
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

let sim: RegistrySimulator;
let augmented: string;
let reads: number;
/** Versions the store does not hold (yet). */
const hidden = new Set<string>();
beforeEach(async () => {
  sim = await startRegistrySimulator({ crates: 4, versionsPerCrate: 2 });
  augmented = join(mkdtempSync(join(tmpdir(), 'ais-overrides-')), 'augmented');
  dirs.push(augmented);
  reads = 0;
  hidden.clear();
});
afterEach(() => sim.stop());

const crates: CrateSource = {
  get: async ({ name, version }) => {
    reads++;
    const bytes = hidden.has(`${name}@${version}`)
      ? undefined
      : sim.published.get(`${name}@${version}`)?.bytes;
    return bytes
      ? (async function* () {
          yield bytes;
        })()
      : undefined;
  },
};

async function run(options: Partial<BackfillOptions> = {}) {
  const original = await GitIndexSource.open(sim.indexPath);
  const repo = await AugmentedRepo.open(augmented);
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

const git = (args: string[], input?: string) =>
  execFileSync('git', ['--git-dir', augmented, ...args], {
    encoding: 'utf8',
    ...(input !== undefined ? { input } : {}),
    env: { ...process.env, GIT_INDEX_FILE: join(augmented, 'operator-index') },
  }).trim();

/** Commits one file as an operator would: plain git, a message without the backfiller's trailer. */
function operatorCommit(path: string, content: string): void {
  const blob = git(['hash-object', '-w', '--stdin'], content);
  git(['read-tree', 'HEAD']);
  git(['update-index', '--add', '--cacheinfo', `100644,${blob},${path}`]);
  const tree = git(['write-tree']);
  const commit = git(
    ['-c', 'user.name=ops', '-c', 'user.email=ops@example.com', 'commit-tree', tree, '-p', 'HEAD'],
    'ops: correct a license\n',
  );
  git(['update-ref', 'refs/heads/master', commit]);
}

const lines = (name: string) =>
  git(['show', `HEAD:${indexPath(name)}`])
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const overrides = (...list: unknown[]) => `${JSON.stringify({ overrides: list }, null, 2)}\n`;

describe('overrides', () => {
  it('applies a committed override to the crate it names alone, and the generator never overwrites it', async () => {
    await run();
    const [a = '', b = ''] = sim.names;
    const generated = lines(a)[0]?.['license'];
    const others = git(['rev-parse', `HEAD:${indexPath(b)}`]);
    operatorCommit(
      OVERRIDES_PATH,
      overrides({
        crate: a.toUpperCase(),
        versions: ['0.1.0'],
        field: 'license',
        value: 'MIT OR Apache-2.0',
        reason: 'the manifest names a license file only (TICKET-1)',
      }),
    );
    reads = 0;
    const applied = await run();
    // The operator's commit carries no trailer: the run goes on from the backfiller's last one.
    expect(applied).toMatchObject({ mode: 'incremental', files_joined: 1, crates_read: 0 });
    expect(reads).toBe(0);
    const [first, second] = lines(a);
    expect(first).toMatchObject({
      license: 'MIT OR Apache-2.0',
      overrides: { license: { reason: 'the manifest names a license file only (TICKET-1)' } },
      fields: { license: 1 },
    });
    expect(second?.['license']).toBe(generated);
    expect(second).not.toHaveProperty('overrides');
    expect(git(['rev-parse', `HEAD:${indexPath(b)}`])).toBe(others);
    expect(JSON.parse(git(['show', 'HEAD:config.json']))).toMatchObject({
      overrides: { crates: [a.toLowerCase()] },
    });
    expect(await run()).toMatchObject({ files_joined: 0, commit: null });
    expect((await readAugmentedStatus(augmented))?.overrides).toEqual([
      expect.objectContaining({ crate: a.toUpperCase(), field: 'license', versions: ['0.1.0'] }),
    ]);

    // A field regenerated everywhere (a fresh line: its cksum changed) keeps the override.
    const full = await run({ full: true });
    expect(full.processed).toBe(0);
    expect(lines(a)[0]?.['license']).toBe('MIT OR Apache-2.0');
  });

  it('wins over a field whose version rises, and removing it brings the generated value back', async () => {
    const [a = ''] = sim.names;
    const v1 = new FieldSet([
      {
        module: 'team',
        fields: [{ name: 'dep_count', version: 1, source: 'index', generate: () => 1 }],
      },
    ]);
    const v2 = new FieldSet([
      {
        module: 'team',
        fields: [{ name: 'dep_count', version: 2, source: 'index', generate: () => 2 }],
      },
    ]);
    await run({ fields: v1 });
    operatorCommit(
      OVERRIDES_PATH,
      overrides({ crate: a, versions: '*', field: 'dep_count', value: 99, reason: 'ops' }),
    );
    await run({ fields: v1 });
    const raised = await run({ fields: v2 });
    expect(raised.mode).toBe('full');
    expect(lines(a).map((l) => l['dep_count'])).toEqual([99, 99]);
    expect(lines(a).map((l) => (l['fields'] as Record<string, number>)['dep_count'])).toEqual([
      2, 2,
    ]);
    expect(lines(sim.names[1] ?? '').map((l) => l['dep_count'])).toEqual([2, 2]);

    operatorCommit(OVERRIDES_PATH, overrides());
    const removed = await run({ fields: v2 });
    expect(removed).toMatchObject({ mode: 'incremental', files_joined: 1, crates_read: 0 });
    expect(lines(a).map((l) => l['dep_count'])).toEqual([2, 2]);
    expect(lines(a)[0]).not.toHaveProperty('overrides');
  });

  it('generates a released crate field later when its crate is not in the store yet', async () => {
    await run();
    const [a = ''] = sim.names;
    const generated = lines(a)[0]?.['license'];
    const fix = { crate: a, versions: ['0.1.0'], field: 'license', value: 'X', reason: 'r' };
    operatorCommit(OVERRIDES_PATH, overrides(fix));
    await run();
    hidden.add(`${a}@0.1.0`);
    operatorCommit(OVERRIDES_PATH, overrides());
    const waiting = await run();
    expect(waiting).toMatchObject({ skipped: 1, pending_files: 1 });
    expect(lines(a)[0]).not.toHaveProperty('license');
    expect(lines(a)[0]).not.toHaveProperty('overrides');
    hidden.clear();
    const done = await run();
    expect(done).toMatchObject({ crates_read: 1, pending_files: 0 });
    expect(lines(a)[0]?.['license']).toBe(generated);
  });

  it('re-joins crate files an operator edited by hand: a line broken there is generated again', async () => {
    await run();
    const [a = ''] = sim.names;
    const good = git(['show', `HEAD:${indexPath(a)}`]);
    operatorCommit(indexPath(a), good.replace(/^[^\n]*/, '{"vers": broken'));
    const repaired = await run();
    expect(repaired).toMatchObject({ mode: 'incremental', files_joined: 1 });
    expect(git(['show', `HEAD:${indexPath(a)}`])).toBe(good);
  });

  it('refuses a bad overrides file before writing anything', async () => {
    await run();
    operatorCommit(
      OVERRIDES_PATH,
      overrides({ crate: 'x', versions: ['1.0.0'], field: 'deps', value: [], reason: 'no' }),
    );
    const head = git(['rev-parse', 'HEAD']);
    const error = await run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AugmentedIndexError);
    expect(error).toMatchObject({
      code: 'AUGMENTED_OVERRIDES_INVALID',
      kind: 'bad-input',
      input: OVERRIDES_PATH,
    });
    expect((error as Error).message).toContain('overrides[0]');
    expect(git(['rev-parse', 'HEAD'])).toBe(head);
  });
});

describe('Overrides.parse', () => {
  const one = (o: Record<string, unknown>) =>
    overrides({
      crate: 'foo',
      versions: ['1.0.0'],
      field: 'license',
      value: 'MIT',
      reason: 'r',
      ...o,
    });
  it.each([
    ['not JSON', '{', /not JSON/],
    ['another shape', '{"overrides": {}}', /expected/],
    ['an unknown key', one({ extra: 1 }), /overrides\[0\]/],
    ['a line key', one({ field: 'fields' }), /line format/],
    ['an index key', one({ field: 'yanked' }), /registry index/],
    ['no reason', one({ reason: '  ' }), /reason/],
    ['a hostile crate name', one({ crate: '../etc' }), /crate/],
    ['no versions', one({ versions: [] }), /versions/],
  ])('refuses %s, naming the entry', (_what, text, message) => {
    expect(() => Overrides.parse(text)).toThrow(message);
  });

  it('refuses two overrides of one field of one version, also through "*"', () => {
    const a = { crate: 'foo', versions: ['1.0.0'], field: 'license', value: 'MIT', reason: 'r' };
    expect(() => Overrides.parse(overrides(a, { ...a, value: 'X' }))).toThrow(
      /overrides\[1\].*already set.*overrides\[0\]/,
    );
    expect(() => Overrides.parse(overrides(a, { ...a, crate: 'FOO', versions: '*' }))).toThrow(
      /already set/,
    );
    expect(() =>
      Overrides.parse(overrides(a, { ...a, versions: ['1.0.1'] }, { ...a, field: 'edition' })),
    ).not.toThrow();
  });

  it('looks up by crate without regard to case, and by exact version', () => {
    const parsed = Overrides.parse(
      overrides(
        { crate: 'Foo', versions: ['1.0.0'], field: 'license', value: 'MIT', reason: 'r' },
        { crate: 'foo', versions: '*', field: 'edition', value: '2018', reason: 'r' },
      ),
    );
    expect(parsed.crates()).toEqual(['foo']);
    expect(
      parsed
        .forCrate('FOO')?.('1.0.0')
        .map((o) => o.field),
    ).toEqual(['license', 'edition']);
    expect(
      parsed
        .forCrate('foo')?.('1.0.1')
        .map((o) => o.field),
    ).toEqual(['edition']);
    expect(parsed.forCrate('bar')).toBeUndefined();
    expect(Overrides.parse(undefined).sha256).toBeNull();
  });
});
