/**
 * The opt-in cargo checks as an operator turns them on: `--fields-module
 * @lcs/augmented-index/cargo-checks`, found as an installed package from the working directory.
 * A version whose index line lists a dependency its published manifest lacks gets an
 * `index_mismatch` saying so, the other lines none, and `report` counts the lines by kind.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildCrate,
  startRegistrySimulator,
  type RegistrySimulator,
} from '../../../tools/test-servers/index.mjs';
import { FETCHER, run } from './test-support/cli.js';
import { readLines } from './test-support/augmented-lines.js';

const MODULE = '@lcs/augmented-index/cargo-checks';
let sim: RegistrySimulator;
let cwd: string;
beforeAll(async () => {
  sim = await startRegistrySimulator({ crates: 4, versionsPerCrate: 2 });
  // The index says `drifted` depends on `a` and `b`; the crate it serves declares only `a`.
  await sim.publish('drifted', '1.0.0', {
    deps: ['a', 'b'],
    bytes: await buildCrate('drifted', '1.0.0', { deps: ['a'] }),
  });
  cwd = mkdtempSync(join(tmpdir(), 'ais-cargo-checks-'));
  mkdirSync(join(cwd, 'node_modules/@lcs'), { recursive: true });
  symlinkSync(
    resolve(import.meta.dirname, '../../../libs/augmented-index'),
    join(cwd, 'node_modules/@lcs/augmented-index'),
  );
  expect((await run(['sync', '--index', sim.indexPath], { cwd, main: FETCHER })).code).toBe(0);
}, 120_000);
afterAll(async () => {
  await sim.stop();
  rmSync(cwd, { recursive: true, force: true });
});

describe('ais-backfiller with the cargo checks', () => {
  it('records index_mismatch where the index and the manifest differ, and reports it by kind', async () => {
    const result = await run(
      ['run', '--original-index', sim.indexPath, '--json', '--fields-module', MODULE],
      { cwd },
    );
    expect(result.code, result.messages).toBe(0);
    const lines = readLines(join(cwd, '.lcs/augmented-index'));
    expect(lines.size).toBe(sim.published.size);
    for (const [id, line] of lines) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      expect(entry['fields'], id).toMatchObject({ index_mismatch: 1, stripped_dev_deps: 1 });
      expect(entry, id).not.toHaveProperty('stripped_dev_deps'); // no Cargo.toml.orig
      if (id === 'drifted@1.0.0')
        expect(entry['index_mismatch']).toEqual([
          {
            kind: 'dependency_missing_from_manifest',
            name: 'b',
            dep_kind: 'normal',
            target: null,
            index: {
              req: '^1',
              features: [],
              optional: false,
              default_features: true,
              package: null,
              registry: null,
            },
          },
        ]);
      else expect(entry, id).not.toHaveProperty('index_mismatch');
    }
    const report = await run(['report', '--json', '--fields-module', MODULE], { cwd });
    expect(report.code, report.messages).toBe(0);
    expect(JSON.parse(report.stdout)).toMatchObject({
      fields: { index_mismatch: { version: 1, current: lines.size, behind: 0 } },
      index_mismatch: { lines: 1, kinds: { dependency_missing_from_manifest: 1 } },
    });
    const text = await run(['report', '--fields-module', MODULE], { cwd });
    expect(text.stdout).toContain(
      'index_mismatch 1 lines differ from their manifest: dependency_missing_from_manifest 1',
    );
  }, 120_000);
});
