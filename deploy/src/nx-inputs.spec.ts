/**
 * Every file a test reads outside its project is one of its Nx inputs, so a change to it makes the
 * test's project affected (`nx affected`) and its cached result invalid: nothing is skipped or
 * replayed. Checked through Nx itself, with `--files` (nothing is touched on disk).
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

function affectedBy(file: string): string[] {
  return execFileSync(
    'npx',
    ['nx', 'show', 'projects', '--affected', `--files=${file}`, '--json'],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    },
  )
    .trim()
    .split('\n')
    .flatMap((line) => (line.startsWith('[') ? (JSON.parse(line) as string[]) : []));
}

describe('Nx inputs of the tests', () => {
  it.each([
    [
      'test-fixtures/manifests/forms.toml',
      ['@lcs/cargo-manifest'],
      // The fetcher depends on cargo-manifest through snapshot and augmented-index, so it is affected.
      ['@lcs/mirror', '@lcs/metrics', '@lcs/cli-kit'],
    ],
    ['test-fixtures/index/1/a', ['@lcs/index-reader', '@lcs/fetcher'], ['@lcs/cargo-manifest']],
    [
      'tools/test-servers/registry-simulator.mjs',
      ['@lcs/mirror', '@lcs/fetcher', '@lcs/backfiller'],
      ['@lcs/cargo-manifest'],
    ],
    [
      'tools/pack-and-import.mjs',
      ['@lcs/cargo-manifest', '@lcs/crate-store', '@lcs/metrics'],
      ['@lcs/cli-kit'],
    ],
    ['test-fixtures/registry/index/config.json', ['@lcs/deploy'], ['@lcs/mirror']],
  ])(
    'a change to %s affects the projects whose tests read it',
    (file, readers, others) => {
      const affected = affectedBy(file);
      expect(affected).toEqual(expect.arrayContaining(readers));
      for (const other of others) expect(affected, other).not.toContain(other);
    },
    60_000,
  );

  it('a file no test reads affects nothing', () => {
    expect(affectedBy('tools/bench/run.mjs')).toEqual([]);
  }, 60_000);
});
