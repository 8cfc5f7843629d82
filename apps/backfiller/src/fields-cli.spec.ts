/**
 * Fields other teams add, end to end: a module named with --fields-module adds its field to every
 * line without reading a crate when it needs only the index, raising its version rewrites that
 * field alone, a crate field shares the one read of each crate, a throwing field is recorded and
 * leaves the line's other fields, and a module that is not well-formed is refused with exit 2.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startRegistrySimulator,
  type RegistrySimulator,
} from '../../../tools/test-servers/index.mjs';
import { readLines } from './test-support/augmented-lines.js';
import { FETCHER, run } from './test-support/cli.js';

let sim: RegistrySimulator;
let cwd: string;
beforeAll(async () => {
  sim = await startRegistrySimulator({ crates: 6, versionsPerCrate: 2 });
  cwd = mkdtempSync(join(tmpdir(), 'ais-fields-'));
  expect((await run(['sync', '--index', sim.indexPath], { cwd, main: FETCHER })).code).toBe(0);
  expect((await backfill()).code).toBe(0);
}, 120_000);
afterAll(async () => {
  await sim.stop();
  rmSync(cwd, { recursive: true, force: true });
});

const backfill = (...args: string[]) =>
  run(['run', '--original-index', sim.indexPath, '--json', ...args], { cwd });

/** Writes a field module into the work directory; returns its path as an operator names it. */
function module(file: string, source: string): string {
  writeFileSync(join(cwd, file), source);
  return `./${file}`;
}

/** Every line of the augmented branch, by `name@vers`, as its text. */
const lines = () => readLines(join(cwd, '.lcs/augmented-index'));

/** The line's text without `keys` (and its `fields` map): what must not change. */
function without(line: string, ...keys: string[]): string {
  return JSON.stringify(JSON.parse(line), (key, value: unknown) =>
    key === 'fields' || keys.includes(key) ? undefined : value,
  );
}

/** How many dependencies the index line of `id` lists (normal and dev). */
function indexDeps(id: string): number {
  const published = sim.published.get(id);
  return (published?.deps.length ?? 0) + (published?.devDeps.length ?? 0);
}

const DEP_COUNT = (version: number, factor: number) => `
export default [{
  name: 'dep_count', version: ${version}, source: 'index',
  generate: ({ index }) => index.deps.length * ${factor},
}];
`;

describe('ais-backfiller run --fields-module', () => {
  it('adds an index field to every line without reading a crate, then has nothing to do', async () => {
    const before = lines();
    const added = await backfill('--fields-module', module('deps-v1.mjs', DEP_COUNT(1, 1)));
    expect(added.code, added.messages).toBe(0);
    expect(added.summary).toMatchObject({
      mode: 'full',
      mode_reason: 'field dep_count added (v1)',
      crates_read: 0,
      processed: before.size,
    });
    const after = lines();
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [id, line] of after) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      expect(entry['dep_count'], id).toBe(indexDeps(id));
      expect((entry['fields'] as Record<string, number>)['dep_count']).toBe(1);
      // Every other byte of the line is as it was.
      expect(without(line, 'dep_count'), id).toBe(without(before.get(id) ?? ''));
    }
    const again = await backfill('--fields-module', './deps-v1.mjs');
    expect(again.summary).toMatchObject({ mode: 'incremental', processed: 0, commit: null });
  }, 120_000);

  it('rewrites only the raised field, and a crate field reads each crate once', async () => {
    const before = lines();
    const raised = await backfill('--fields-module', module('deps-v2.mjs', DEP_COUNT(2, 10)));
    expect(raised.summary).toMatchObject({
      mode_reason: 'field dep_count v1 < v2',
      crates_read: 0,
    });
    for (const [id, line] of lines()) {
      expect(JSON.parse(line)['dep_count'], id).toBe(indexDeps(id) * 10);
      expect(without(line, 'dep_count'), id).toBe(without(before.get(id) ?? '', 'dep_count'));
    }
    const crateField = module(
      'sources.mjs',
      `export default [
        { name: 'rust_files', version: 1, source: 'crate', generate: ({ files }) => files.filter((f) => f.endsWith('.rs')).length },
        { name: 'pkg_name', version: 1, source: 'crate', generate: ({ manifest }) => manifest.package.name },
      ];`,
    );
    const withCrate = await backfill(
      '--fields-module',
      './deps-v2.mjs',
      '--fields-module',
      crateField,
    );
    expect(withCrate.code, withCrate.messages).toBe(0);
    // Two crate fields, one read of each crate.
    expect(withCrate.summary).toMatchObject({ crates_read: before.size, processed: before.size });
    for (const [id, line] of lines()) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      expect(entry['pkg_name'], id).toBe(id.split('@')[0]);
      expect(entry['rust_files'], id).toBeGreaterThan(0);
    }
  }, 120_000);

  it("records a throwing field on the line and keeps the line's other fields", async () => {
    const before = lines();
    const boom = module(
      'boom.mjs',
      `export default [{ name: 'boom', version: 1, source: 'index', generate: () => { throw Object.assign(new Error('no luck'), { code: 'TEAM_BOOM' }); } }];`,
    );
    const result = await backfill(
      '--fields-module',
      './deps-v2.mjs',
      '--fields-module',
      './sources.mjs',
      '--fields-module',
      boom,
    );
    expect(result.code, result.messages).toBe(0);
    expect(result.summary).toMatchObject({ field_errors: before.size, crates_read: 0 });
    for (const [id, line] of lines()) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      expect(entry['field_errors'], id).toEqual({
        boom: { code: 'TEAM_BOOM', message: 'no luck' },
      });
      expect(entry).not.toHaveProperty('boom');
      expect(without(line, 'field_errors'), id).toBe(without(before.get(id) ?? ''));
    }
  }, 120_000);

  it('reports per field across the index: current, behind, errors by code, not-loaded fields', async () => {
    const total = lines().size;
    // The modules of the last run, but dep_count at v3: every line is behind on it.
    const result = await run(
      [
        'report',
        '--json',
        '--fields-module',
        module('deps-v3.mjs', DEP_COUNT(3, 1)),
        '--fields-module',
        './boom.mjs',
      ],
      { cwd },
    );
    expect(result.code, result.messages).toBe(0);
    const report = JSON.parse(result.stdout.trim()) as {
      command: string;
      lines: number;
      fields: Record<
        string,
        { version: number | null; current: number; behind: number; errors: Record<string, number> }
      >;
    };
    expect(report).toMatchObject({ command: 'report', lines: total, invalid: 0 });
    expect(report.fields['dev_deps']).toMatchObject({ version: 1, current: total, behind: 0 });
    expect(report.fields['dep_count']).toMatchObject({ version: 3, current: 0, behind: total });
    expect(report.fields['boom']).toMatchObject({ current: total, errors: { TEAM_BOOM: total } });
    // Fields the lines hold whose module this run did not load are listed apart.
    expect(report.fields['pkg_name']).toMatchObject({ version: null, current: total });
    const text = await run(['report'], { cwd });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/dev_deps\s+v1\s+\d+ current, 0 behind/);
    expect(text.stdout).toContain('pkg_name');
  }, 120_000);

  it.each([
    [
      'a name the index uses',
      `export default [{ name: 'yanked', version: 1, source: 'index', generate: () => 1 }];`,
      'the name yanked is taken',
    ],
    [
      'a built-in name',
      `export default [{ name: 'dev_deps', version: 1, source: 'crate', generate: () => 1 }];`,
      'the name dev_deps is taken by the built-in fields',
    ],
    [
      'a bad version',
      `export default [{ name: 'ok_name', version: 0, source: 'index', generate: () => 1 }];`,
      'version 0 is not a positive integer',
    ],
    ['no array', `export default { name: 'x' };`, 'its default export is not an array of fields'],
  ])(
    'refuses a module with %s: exit 2, naming the module and the field, nothing written',
    async (_what, source, message) => {
      const fresh = mkdtempSync(join(tmpdir(), 'ais-fields-bad-'));
      try {
        writeFileSync(join(fresh, 'bad.mjs'), source);
        const result = await run(
          ['run', '--original-index', sim.indexPath, '--fields-module', './bad.mjs'],
          { cwd: fresh },
        );
        expect(result.code).toBe(2);
        expect(result.messages).toContain('./bad.mjs');
        expect(result.messages).toContain(message);
        expect(existsSync(join(fresh, '.lcs'))).toBe(false);
      } finally {
        rmSync(fresh, { recursive: true, force: true });
      }
    },
  );

  it('refuses a module that does not exist, and one no package provides', async () => {
    for (const name of ['./nowhere.mjs', 'no-such-field-package']) {
      const result = await backfill('--fields-module', name);
      expect(result.code, name).toBe(2);
      expect(result.messages).toContain(name);
    }
  });
});
