/**
 * A field package as another team ships one: built here, published to a real npm registry on
 * loopback (verdaccio), installed by name with npm into the operator's directory, and loaded by
 * `ais-backfiller run --fields-module <package>` from `node_modules`, as a deployment would.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanNpmEnv,
  startRegistrySimulator,
  startVerdaccio,
  type RegistrySimulator,
} from '../../../tools/test-servers/index.mjs';
import { FETCHER, run } from './test-support/cli.js';

const PACKAGE = '@lcs/ais-field-fixture';
let sim: RegistrySimulator;
let registry: Awaited<ReturnType<typeof startVerdaccio>>;
let cwd: string;
beforeAll(async () => {
  [sim, registry] = await Promise.all([
    startRegistrySimulator({ crates: 3, versionsPerCrate: 2 }),
    startVerdaccio(),
  ]);
  cwd = mkdtempSync(join(tmpdir(), 'ais-field-package-'));
}, 120_000);
afterAll(async () => {
  await Promise.all([sim?.stop(), registry?.stop()]);
  rmSync(cwd, { recursive: true, force: true });
});

const npm = (args: string[], dir: string) =>
  execFileSync('npm', args, { cwd: dir, env: cleanNpmEnv(), encoding: 'utf8', stdio: 'pipe' });

describe('a field package from a registry', () => {
  it('is published, installed by name, and loaded by the CLI', async () => {
    const source = join(cwd, 'source');
    mkdirSync(source);
    writeFileSync(
      join(source, 'package.json'),
      JSON.stringify({
        name: PACKAGE,
        version: '1.0.0',
        type: 'module',
        exports: './index.js',
        license: 'MIT',
      }),
    );
    // No import of @lcs/augmented-index: a plain array of plain objects is a field module.
    writeFileSync(
      join(source, 'index.js'),
      `export default [{ name: 'name_length', version: 1, source: 'index', generate: ({ index }) => index.name.length }];\n`,
    );
    registry.npmrc(source);
    npm(['publish'], source);

    const operator = join(cwd, 'operator');
    mkdirSync(operator);
    writeFileSync(join(operator, 'package.json'), '{"name":"operator","private":true}');
    registry.npmrc(operator);
    npm(['install', `${PACKAGE}@^1`], operator);

    const synced = await run(['sync', '--index', sim.indexPath], { cwd: operator, main: FETCHER });
    expect(synced.code, synced.messages).toBe(0);
    const result = await run(
      ['run', '--original-index', sim.indexPath, '--json', '--fields-module', PACKAGE],
      { cwd: operator },
    );
    expect(result.code, result.messages).toBe(0);
    const gitdir = join(operator, '.lcs/augmented-index');
    const [first] = sim.names;
    const path = execFileSync(
      'git',
      ['--git-dir', gitdir, 'ls-tree', '-r', '--name-only', 'HEAD'],
      {
        encoding: 'utf8',
      },
    )
      .split('\n')
      .find((p) => p.endsWith(`/${first}`));
    const line = JSON.parse(
      execFileSync('git', ['--git-dir', gitdir, 'show', `HEAD:${path}`], {
        encoding: 'utf8',
      }).split('\n')[0] ?? '',
    ) as Record<string, unknown>;
    expect(line['name_length']).toBe(first?.length);
    expect(line['fields']).toMatchObject({ name_length: 1, dev_deps: 1 });
  }, 180_000);
});
