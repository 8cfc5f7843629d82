/**
 * The image's runtime tree without Docker: the Dockerfile's own commands build it into a clean
 * directory (workspace package.json files and dist/, production dependencies from the registry),
 * then both apps run from it under the image's Node major: a sync of the fixture registry into a
 * filesystem store, and a backfill of it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extraRuntimes, runtimeBinDir } from '../../tools/node-runtime.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const dockerfile = readFileSync(resolve(ROOT, 'deploy/Dockerfile'), 'utf8');
const work = mkdtempSync(join(tmpdir(), 'lcs-runtime-tree-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The Dockerfile's `RUN` commands, continuation lines joined. */
function runCommands(): string[] {
  return dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((line) => line.startsWith('RUN '))
    .map((line) => line.slice(4).trim());
}

describe('the Docker image runtime tree', () => {
  const images = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1] ?? '');
  const major = /^node:(\d+)-/.exec(images[0] ?? '')?.[1] ?? '';

  it('builds and runs on one Node LTS that the test matrix covers', () => {
    expect(images.length).toBe(2);
    expect(new Set(images.map((i) => /^node:(\d+)-/.exec(i)?.[1])).size).toBe(1);
    expect(Object.keys(extraRuntimes())).toContain(major);
  });

  it('is built by the Dockerfile commands and runs a sync and a backfill under that Node', () => {
    const tree = join(work, 'out');
    const build = runCommands().find((c) => c.startsWith('mkdir /out'));
    expect(build, 'the RUN that builds /out').toBeDefined();
    // The build stage's /src is this checkout (its dist/ directories built by the test's dependencies).
    execFileSync('bash', ['-euo', 'pipefail', '-c', (build ?? '').replaceAll('/out', tree)], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    const node = join(runtimeBinDir(major, extraRuntimes()[major] ?? ''), 'node');
    const env = { PATH: process.env['PATH'] ?? '', HOME: work, NODE_ENV: 'production' };
    const registry = resolve(ROOT, 'test-fixtures/registry');
    const sync = spawnSync(
      node,
      [
        'apps/fetcher/dist/main.js',
        'sync',
        '--index',
        join(registry, 'index'),
        '--dl',
        `file://${registry}/crates/{crate}/{crate}-{version}.crate`,
        '--store',
        join(work, 'store'),
        '--metadata',
        join(work, 'meta'),
        '--contact',
        'runtime-tree@example.com',
        '--json',
      ],
      { cwd: tree, env, encoding: 'utf8' },
    );
    expect(sync.status, sync.stderr).toBe(0);
    const synced = JSON.parse(sync.stdout.trim().split('\n').at(-1) ?? '{}') as Record<
      string,
      unknown
    >;
    expect(synced).toMatchObject({ status: 'ok', downloaded: 30, failed: 0 });
    const backfill = spawnSync(
      node,
      [
        'apps/backfiller/dist/main.js',
        'run',
        '--original-index',
        join(registry, 'index'),
        '--augmented-index',
        join(work, 'augmented'),
        '--store',
        join(work, 'store'),
        '--metadata',
        join(work, 'meta-ais'),
        '--json',
      ],
      { cwd: tree, env, encoding: 'utf8' },
    );
    expect(backfill.status, backfill.stderr).toBe(0);
    const filled = JSON.parse(backfill.stdout.trim().split('\n').at(-1) ?? '{}') as Record<
      string,
      unknown
    >;
    expect(filled).toMatchObject({ processed: 30, skipped: 0, pending_files: 0 });
    // Only production dependencies: no test runner or build tool in the tree.
    for (const dev of ['vitest', 'nx', 'typescript'])
      expect(spawnSync('test', ['-e', join(tree, 'node_modules', dev)]).status, dev).not.toBe(0);
  }, 300_000);
});
