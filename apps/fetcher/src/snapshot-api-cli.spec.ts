/**
 * End-to-end: the snapshots a real `sync` records and the read API of a real `serve`, over the
 * production path (the index fetched over smart HTTP into the fetcher's cache): the history, the
 * changes a webhook-started sync brought with their mirrored flags, a crate as of the first
 * snapshot, and the bearer token.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { indexPath } from '@lcs/index-reader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startGitServer,
  startRegistrySimulator,
  type RegistrySimulator,
  type TestServer,
} from '../../../tools/test-servers/index.mjs';
import { run, sendHook, servingPort, startServe, until } from './test-support/cli.js';

const SECRET = 'e2e-webhook-secret-0123456789';
const TOKEN = 'e2e-api-token-0123456789abcdef';
let sim: RegistrySimulator;
let cwd: string;
let gitServer: TestServer;
/** An augmented index served over smart HTTP, with a line for one published version. */
let augmented: { url: string; name: string; vers: string; devDep: string };
beforeAll(async () => {
  sim = await startRegistrySimulator({ crates: 6, versionsPerCrate: 2 });
  cwd = mkdtempSync(join(tmpdir(), 'lcs-api-'));
  const [crate] = [...sim.published.values()];
  if (!crate) throw new Error('no crates');
  const work = join(cwd, 'augmented-work');
  const path = indexPath(crate.name);
  mkdirSync(join(work, dirname(path)), { recursive: true });
  const dep = { req: '^1', features: [], optional: false, default_features: true, target: null };
  const line = { name: crate.name, vers: crate.version, cksum: crate.cksum, schema: 1 };
  writeFileSync(
    join(work, path),
    `${JSON.stringify({ ...line, dev_deps: [{ name: 'proptest', ...dep, kind: 'dev' }] })}\n`,
  );
  const git = (...args: string[]) => execFileSync('git', args, { cwd: work, stdio: 'ignore' });
  git('init', '-q', '-b', 'master');
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'augmented');
  git('clone', '-q', '--bare', work, join(cwd, 'served', 'augmented.git'));
  gitServer = await startGitServer(join(cwd, 'served'));
  augmented = {
    url: `${gitServer.endpoint}/augmented.git`,
    name: crate.name,
    vers: crate.version,
    devDep: 'proptest',
  };
});
afterAll(async () => {
  await gitServer?.stop();
  await sim.stop();
  rmSync(cwd, { recursive: true, force: true });
});

describe('lcs-fetcher serve: the read API over recorded snapshots', () => {
  it('answers from the snapshots real syncs recorded, with what each left unmirrored', async () => {
    const first = await run(['sync', '--index', sim.indexUrl, '--json'], { cwd });
    expect(first.code).toBe(0);
    const firstCommit = String(first.summary?.['index_commit']);

    const server = startServe(
      sim.indexUrl,
      ['--augmented-index', augmented.url, '--augmented-index-dir', join(cwd, 'augmented-cache')],
      { cwd, env: { LCS_WEBHOOK_SECRET: SECRET, LCS_API_TOKEN: TOKEN } },
    );
    try {
      const port = await servingPort(server.logsSoFar);
      const base = `http://127.0.0.1:${port}/api/v1`;
      const get = async (path: string, token = TOKEN) => {
        const response = await fetch(`${base}${path}`, {
          headers: token ? { authorization: `Bearer ${token}` } : {},
        });
        return {
          status: response.status,
          body: (await response.json()) as Record<string, unknown>,
        };
      };
      expect((await get('/snapshots', '')).status).toBe(401);
      expect((await get('/snapshots')).body['snapshots']).toEqual([
        expect.objectContaining({ commit: firstCommit, missing: 0 }),
      ]);

      // A publish the registry serves and one it refuses: the second sync is partial.
      const [good = '', bad = ''] = sim.names;
      await sim.publish(good, '0.5.0', { commit: false });
      await sim.publish(bad, '0.5.0', { commit: false });
      const secondCommit = sim.commit('two publishes');
      sim.fault(`${bad}@0.5.0`, { kind: 'status', status: 404 });
      expect(await sendHook(`http://127.0.0.1:${port}`, SECRET)).toBe(202);
      await until(() => server.logsSoFar().some((l) => l['msg'] === 'sync finished'), 30_000);

      const history = (await get('/snapshots')).body['snapshots'];
      expect(history).toEqual([
        expect.objectContaining({ commit: secondCommit, missing: 1 }),
        expect.objectContaining({ commit: firstCommit, missing: 0 }),
      ]);
      const changes = await get(`/changes?since=${firstCommit}`);
      expect(changes.body).toMatchObject({ from: firstCommit, to: secondCommit, next: null });
      expect(
        (changes.body['changes'] as { kind: string; name: string; mirrored: boolean }[])
          .map((c) => [c.kind, c.name, c.mirrored])
          .sort(),
      ).toEqual(
        [
          ['Added', good, true],
          ['Added', bad, false],
        ].sort(),
      );
      const now = await get(`/crates/${bad}`);
      expect(now.body['snapshot']).toMatchObject({ commit: secondCommit });
      expect(
        (now.body['versions'] as { vers: string; mirrored: boolean }[]).find(
          (v) => v.vers === '0.5.0',
        ),
      ).toMatchObject({ mirrored: false, augmented: false });
      const then = await get(`/crates/${bad}?at=${firstCommit}`);
      expect((then.body['versions'] as { vers: string }[]).map((v) => v.vers)).not.toContain(
        '0.5.0',
      );
      expect((await get('/crates/not-a-crate-here')).status).toBe(404);
      // The augmented index, fetched over smart HTTP: its line merges where the cksum matches.
      const withLine = await get(`/crates/${augmented.name}`);
      expect(withLine.body['augmented_commit']).toMatch(/^[0-9a-f]{40}$/);
      const versions = withLine.body['versions'] as {
        vers: string;
        augmented: boolean;
        dev_deps?: { name: string }[];
      }[];
      expect(versions.find((v) => v.vers === augmented.vers)).toMatchObject({
        augmented: true,
        dev_deps: [expect.objectContaining({ name: augmented.devDep, kind: 'dev' })],
      });
      expect(versions.filter((v) => v.augmented)).toHaveLength(1);
      const status = await run(['status', '--json'], { cwd });
      expect(status.summary?.['snapshots']).toEqual({
        latest: expect.objectContaining({ commit: secondCommit, missing: 1 }),
        recorded: 2,
      });
      expect((await run(['status'], { cwd })).stdout).toContain(
        `snapshot   ${secondCommit.slice(0, 12)} committed`,
      );

      // A second replica that never synced (its own index cache, the shared metadata and store)
      // answers the same: it fetches the recorded commits by id into its cache.
      const replica = startServe(
        sim.indexUrl,
        [
          '--index-dir',
          join(cwd, 'replica-index'),
          '--store',
          join(cwd, '.lcs/store'),
          '--metadata',
          join(cwd, '.lcs/metadata'),
          // An augmented index that cannot be fetched: the API answers without augmented fields.
          '--augmented-index',
          `${augmented.url}-gone`,
          '--augmented-index-dir',
          join(cwd, 'replica-augmented'),
        ],
        { cwd: join(cwd, '..'), env: { LCS_WEBHOOK_SECRET: SECRET } },
      );
      try {
        const other = await servingPort(replica.logsSoFar);
        const response = await fetch(
          `http://127.0.0.1:${other}/api/v1/changes?since=${firstCommit}`,
        );
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual(changes.body);
        expect(replica.logsSoFar().filter((l) => l['msg'] === 'sync started')).toEqual([]);
        expect(
          replica
            .logsSoFar()
            .some((l) => String(l['msg']).startsWith('cannot fetch the augmented index')),
        ).toBe(true);
        const plain = (await (
          await fetch(`http://127.0.0.1:${other}/api/v1/crates/${augmented.name}`)
        ).json()) as { augmented_commit: string | null; versions: { augmented: boolean }[] };
        expect(plain.augmented_commit).toBeNull();
        expect(plain.versions.every((v) => !v.augmented)).toBe(true);
      } finally {
        replica.child.kill('SIGTERM');
        expect((await replica.done).code).toBe(0);
      }
    } finally {
      server.child.kill('SIGTERM');
      expect((await server.done).code).toBe(0);
    }
  }, 90_000);
});
