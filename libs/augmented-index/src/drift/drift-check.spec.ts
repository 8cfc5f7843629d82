/**
 * The drift check regenerates committed lines from their crates and names every drifted field: a
 * hand edit, a generator change that never reached the index, lines it cannot compare, and lines
 * that are not entries. It writes nothing. The index is a real backfill of the registry
 * simulator's crates; the crates come from a small in-memory store.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCrateManifest } from '@lcs/cargo-manifest';
import { GitIndexSource, indexPath } from '@lcs/index-reader';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startRegistrySimulator,
  type RegistrySimulator,
} from '../../../../tools/test-servers/index.mjs';
import { AugmentedRepo } from '../repo/augmented-repo.js';
import { AugmentedSnapshot } from '../repo/augmented-snapshot.js';
import { backfill, type CrateSource } from '../backfill/backfill.js';
import { checkDrift, type DriftCheckOptions, type DriftReport } from './drift-check.js';
import { crateFacts } from '../fields/field.js';

const AUTHOR = { name: 'AIS test', email: 'ais@example.com' };
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

let sim: RegistrySimulator;
let store: Map<string, Buffer>;
let augmented: string;
/** `name@version` of every crate read from the store. */
let reads: string[] = [];
const crates: CrateSource = {
  get: async ({ name, version }) => {
    reads.push(`${name}@${version}`);
    const bytes = store.get(`${name}@${version}`);
    return bytes
      ? (async function* () {
          yield bytes;
        })()
      : undefined;
  },
};

beforeEach(async () => {
  sim = await startRegistrySimulator({ crates: 6, versionsPerCrate: 2 });
  store = new Map([...sim.published].map(([id, c]) => [id, c.bytes]));
  const dir = mkdtempSync(join(tmpdir(), 'ais-drift-'));
  dirs.push(dir);
  augmented = join(dir, 'augmented');
  const original = await GitIndexSource.open(sim.indexPath);
  const repo = await AugmentedRepo.open(augmented);
  try {
    await backfill({
      original,
      originalCommit: { oid: original.commit.oid, store: original.store },
      repo,
      crates,
      author: AUTHOR,
    });
  } finally {
    await repo.close();
    await original.close();
  }
  reads = [];
});
afterEach(() => sim.stop());

async function check(options: Partial<DriftCheckOptions> = {}): Promise<DriftReport> {
  const snapshot = await AugmentedSnapshot.open(augmented);
  try {
    return await checkDrift({ lines: snapshot, crates, ...options });
  } finally {
    await snapshot.close();
  }
}

/** Rewrites crate files of the augmented index by hand, as an operator's commit would. */
async function edit(change: (lines: string[], name: string) => string[]): Promise<void> {
  const repo = await AugmentedRepo.open(augmented);
  try {
    for (const name of sim.names) {
      const path = indexPath(name);
      const text = (await repo.read(path)) ?? '';
      const lines = change(text.trim().split('\n'), name);
      await repo.write(path, `${lines.join('\n')}\n`);
    }
    const state = await repo.state();
    await repo.commit('edit by hand', AUTHOR, { original: state.original, pending: state.pending });
  } finally {
    await repo.close();
  }
}

/** What a repository holds that a write would change: refs and the object count. */
function footprint(): string {
  const git = (...args: string[]) =>
    execFileSync('git', ['--git-dir', augmented, ...args], { encoding: 'utf8' });
  return git('for-each-ref') + git('count-objects', '-v');
}

describe('checkDrift', () => {
  it('finds no drift in a fresh backfill, and writes nothing', async () => {
    const before = footprint();
    const report = await check();
    expect(report).toMatchObject({
      sample: 1,
      files: 6,
      lines: 12,
      checked: 12,
      matching: 12,
      drifted: 0,
      fields: {},
      unchecked: { missing: { count: 0 }, stale: { count: 0 } },
      invalid: { count: 0 },
      interrupted: false,
    });
    expect(reads).toHaveLength(12);
    expect(footprint()).toBe(before);
  });

  it('names each hand-edited field by version, keeps other teams’ fields, and counts bad lines', async () => {
    const [a = '', b = '', c = ''] = sim.names;
    await edit((lines, name) => {
      const [first = '', ...rest] = lines;
      const entry = JSON.parse(first) as Record<string, unknown>;
      if (name === a) entry['edition'] = '1999';
      if (name === b)
        entry['dev_deps'] = [
          ...(entry['dev_deps'] as unknown[]),
          {
            name: 'planted',
            req: '^1',
            features: [],
            optional: false,
            default_features: true,
            target: null,
            kind: 'dev',
          },
        ];
      // A field another team adds is theirs: it is not drift.
      if (name === c) entry['x_audited'] = { by: 'sec', at: '2026-12-01' };
      const out = [JSON.stringify(entry), ...rest];
      return name === c ? [...out, '{"not an entry'] : out;
    });
    const report = await check();
    expect(report).toMatchObject({ lines: 13, checked: 12, matching: 10, drifted: 2 });
    expect(Object.keys(report.fields)).toEqual(['dev_deps', 'edition']);
    const edition = report.fields['edition'];
    expect(edition?.count).toBe(1);
    expect(edition?.first[0]).toMatchObject({
      version: `${a}@0.1.0`,
      committed: '"1999"',
      regenerated: expect.stringMatching(/^"20\d\d"$/) as unknown,
    });
    expect(report.fields['dev_deps']?.first[0]?.version).toBe(`${b}@0.1.0`);
    expect(report.fields['dev_deps']?.first[0]?.committed).toContain('planted');
    expect(report.fields['dev_deps']?.first[0]?.regenerated).not.toContain('planted');
    expect(report.invalid).toEqual({ count: 1, first: [`${indexPath(c)}:3`] });
  });

  it('shows a generator change that never reached the index as drift of its field in every line', async () => {
    const report = await check({
      // The generator as a later release might make it: every crate's license read differently.
      parse: async (bytes, expected) => {
        const facts = crateFacts(await readCrateManifest(bytes, expected));
        return {
          ...facts,
          manifest: {
            ...facts.manifest,
            package: { ...facts.manifest.package, license: 'MIT OR Apache-2.0' },
          },
        };
      },
    });
    expect(report).toMatchObject({ checked: 12, drifted: 12, matching: 0 });
    expect(Object.keys(report.fields)).toEqual(['license']);
    expect(report.fields['license']?.count).toBe(12);
    expect(report.fields['license']?.first[0]?.regenerated).toBe('"MIT OR Apache-2.0"');
  });

  it('names the versions it cannot compare: no crate in the store, or other bytes', async () => {
    const [a = '', b = ''] = sim.names;
    store.delete(`${a}@0.1.1`);
    store.set(`${b}@0.1.0`, store.get(`${a}@0.1.0`) ?? Buffer.alloc(0));
    const report = await check();
    expect(report).toMatchObject({ checked: 10, matching: 10, drifted: 0 });
    expect(report.unchecked).toEqual({
      missing: { count: 1, first: [`${a}@0.1.1`] },
      stale: { count: 1, first: [`${b}@0.1.0`] },
    });
  });

  it('samples by a seeded hash: the same seed reads the same versions', async () => {
    const first = await check({ sample: 0.5, seed: 'weekly' });
    const picked = [...reads].sort();
    reads = [];
    const again = await check({ sample: 0.5, seed: 'weekly' });
    // Files are read in parallel: the set is the same, not the order.
    expect([...reads].sort()).toEqual(picked);
    expect(again.checked).toBe(first.checked);
    expect(first.checked).toBeGreaterThan(0);
    expect(first.checked).toBeLessThan(12);
    expect(first).toMatchObject({ lines: 12, sample: 0.5, seed: 'weekly' });
    await expect(check({ sample: 1.5 })).rejects.toMatchObject({
      code: 'AUGMENTED_OPTIONS_INVALID',
    });
  });

  it('never addresses the store with a line that names another crate or a hostile version', async () => {
    const [a = '', b = ''] = sim.names;
    await edit((lines, name) => {
      if (name !== a) return lines;
      const entry = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
      return [
        ...lines,
        JSON.stringify({ ...entry, name: b }),
        JSON.stringify({ ...entry, vers: '../../../etc/passwd' }),
      ];
    });
    // A store that refuses what no crate key can hold, as the real ones do.
    const guarded: CrateSource = {
      get: async (ref) => {
        if (!/^[0-9A-Za-z.+-]+$/.test(ref.version))
          throw Object.assign(new Error(`bad version ${ref.version}`), { kind: 'bad-input' });
        return crates.get(ref);
      },
    };
    const report = await check({ crates: guarded });
    expect(report).toMatchObject({ lines: 14, checked: 12, drifted: 0 });
    expect(report.invalid).toEqual({
      count: 2,
      first: [`${indexPath(a)}:3`, `${indexPath(a)}:4`],
    });
    // The line naming b in a's file was not read; b's own lines were.
    expect(reads.filter((id) => id.startsWith(`${b}@`)).sort()).toEqual([
      `${b}@0.1.0`,
      `${b}@0.1.1`,
    ]);
  });

  it('opens nothing that is not an augmented index commit', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'ais-drift-empty-'));
    dirs.push(empty);
    await expect(AugmentedSnapshot.open(empty)).rejects.toMatchObject({
      code: 'AUGMENTED_REPO_INVALID',
    });
    await expect(AugmentedSnapshot.open(sim.indexPath)).rejects.toMatchObject({
      code: 'AUGMENTED_REPO_FOREIGN',
    });
  });
});
