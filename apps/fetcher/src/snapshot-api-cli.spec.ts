/**
 * End-to-end: the snapshots a real `sync` records and the read API of a real `serve`, over the
 * production path (the index fetched over smart HTTP into the fetcher's cache): the history, the
 * changes a webhook-started sync brought with their mirrored flags, a crate as of the first
 * snapshot, and the bearer token.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startRegistrySimulator,
  type RegistrySimulator,
} from '../../../tools/test-servers/index.mjs';
import { run, sendHook, servingPort, start, until } from './test-support/cli.js';

const SECRET = 'e2e-webhook-secret-0123456789';
const TOKEN = 'e2e-api-token-0123456789abcdef';
let sim: RegistrySimulator;
let cwd: string;
beforeAll(async () => {
  sim = await startRegistrySimulator({ crates: 6, versionsPerCrate: 2 });
  cwd = mkdtempSync(join(tmpdir(), 'lcs-api-'));
});
afterAll(async () => {
  await sim.stop();
  rmSync(cwd, { recursive: true, force: true });
});

describe('lcs-fetcher serve: the read API over recorded snapshots', () => {
  it('answers from the snapshots real syncs recorded, with what each left unmirrored', async () => {
    const first = await run(['sync', '--index', sim.indexUrl, '--json'], { cwd });
    expect(first.code).toBe(0);
    const firstCommit = String(first.summary?.['index_commit']);

    const server = start(
      [
        'serve',
        '--index',
        sim.indexUrl,
        '--port',
        '0',
        '--host',
        '127.0.0.1',
        '--interval-minutes',
        '0',
      ],
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
      const replica = start(
        [
          'serve',
          '--index',
          sim.indexUrl,
          '--index-dir',
          join(cwd, 'replica-index'),
          '--store',
          join(cwd, '.lcs/store'),
          '--metadata',
          join(cwd, '.lcs/metadata'),
          '--port',
          '0',
          '--host',
          '127.0.0.1',
          '--interval-minutes',
          '0',
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
