/**
 * End-to-end: two `lcs-fetcher serve` replicas behind one Service, sharing one etcd and one bucket
 * (s3rver), and a CronJob-style `sync` beside them. At most one sync runs across the fleet, and a
 * hook received by any replica while another runner holds the lock is honoured after that run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMetadataStore, type MetadataStore } from '@lcs/crate-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startEtcd,
  startRegistrySimulator,
  startS3rver,
  type RegistrySimulator,
  type TestServer,
} from '../../../tools/test-servers/index.mjs';
import { run, sendHook, servingPort, start, startServe, until } from './test-support/cli.js';

const SECRET = 'fleet-webhook-secret-0123456789';
let sim: RegistrySimulator;
let s3: TestServer & { credentials: { accessKeyId: string; secretAccessKey: string } };
let etcd: TestServer & { hostPort: string };
let metadata: MetadataStore;
const dirs: string[] = [];
beforeAll(async () => {
  [sim, s3, etcd] = await Promise.all([
    startRegistrySimulator({ crates: 8, versionsPerCrate: 2 }),
    startS3rver({ buckets: ['crates'] }),
    startEtcd(),
  ]);
  metadata = openMetadataStore(`etcd://${etcd.hostPort}/fleet`);
});
afterAll(async () => {
  await metadata.close();
  await Promise.all([sim.stop(), s3.stop(), etcd.stop()]);
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

const env = () => ({
  LCS_STORE: 's3://crates/mirror',
  LCS_METADATA: `etcd://${etcd.hostPort}/fleet`,
  AWS_ENDPOINT_URL_S3: s3.endpoint,
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
  LCS_WEBHOOK_SECRET: SECRET,
  NODE_NO_WARNINGS: '1',
});
const common = () => ['--index', sim.indexPath, '--timeout-seconds', '1', '--lock-ttl', '10'];
function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lcs-fleet-'));
  dirs.push(dir);
  return dir;
}

type Replica = Awaited<ReturnType<typeof replica>>;
async function replica() {
  const server = startServe(
    sim.indexPath,
    ['--busy-retry-seconds', '1', '--timeout-seconds', '1'],
    { cwd: workdir(), env: env() },
  );
  const logs = () => server.logsSoFar();
  const base = `http://127.0.0.1:${await servingPort(logs)}`;
  return {
    server,
    logs,
    hook: () => sendHook(base, SECRET),
    idle: async () => {
      const state = (await (await fetch(`${base}/readyz`)).json()) as Record<string, unknown>;
      return !state['running'] && !state['queued'] && !state['waiting_for_lock'];
    },
  };
}

async function cursor(): Promise<string | undefined> {
  const text = await metadata.get('fetcher/cursor');
  return text ? (JSON.parse(text) as { commit: string }).commit : undefined;
}

/** Runs recorded in etcd, oldest first; each must end before the next begins. */
async function assertNoOverlap(): Promise<number> {
  const runs = JSON.parse((await metadata.get('fetcher/runs')) ?? '[]') as Array<{
    startedAt: string;
    finishedAt: string;
  }>;
  const spans = runs
    .map((r) => [Date.parse(r.startedAt), Date.parse(r.finishedAt)] as const)
    .sort((a, b) => a[0] - b[0]);
  spans.forEach(([startedAt], i) => {
    const previousEnd = i > 0 ? (spans[i - 1]?.[1] ?? 0) : 0;
    expect(startedAt, `run ${i} starts before run ${i - 1} ends`).toBeGreaterThanOrEqual(
      previousEnd - 5,
    );
  });
  return spans.length;
}

async function settle(replicas: Replica[], head: string): Promise<void> {
  const deadline = Date.now() + 40_000;
  for (;;) {
    const idle = await Promise.all(replicas.map((r) => r.idle()));
    if (idle.every(Boolean) && (await cursor()) === head) return;
    if (Date.now() > deadline) throw new Error(`fleet did not settle at ${head}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a webhook fleet sharing one etcd', () => {
  it('runs one sync at a time across replicas, and ends with the newest commit mirrored after a burst split across them', async () => {
    const [a, b] = await Promise.all([replica(), replica()]);
    try {
      // A slow first sync (one download stalls once, 1 s), so hooks land while it holds the lock.
      const [first = ''] = sim.published.keys();
      sim.fault(first, { kind: 'stall', times: 1 });
      const burst = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).hook()),
      );
      expect(burst.every((s) => s === 202)).toBe(true);
      await until(() => [...a.logs(), ...b.logs()].some((l) => l['msg'] === 'pulling the index'));
      await sim.publish('fleet-newest', '1.0.0', { commit: false });
      const head = sim.commit('newest');
      expect((await Promise.all([b.hook(), a.hook()])).every((s) => s === 202)).toBe(true);
      await settle([a, b], head);
      const busy = [...a.logs(), ...b.logs()].filter((l) =>
        String(l['msg']).startsWith('lock busy'),
      );
      expect(busy.length).toBeGreaterThan(0);
      expect(await assertNoOverlap()).toBeGreaterThanOrEqual(2);
      expect(sim.downloads.filter((d) => d.id === 'fleet-newest@1.0.0')).toHaveLength(1);
    } finally {
      a.server.child.kill('SIGTERM');
      b.server.child.kill('SIGTERM');
      expect((await a.server.done).code).toBe(0);
      expect((await b.server.done).code).toBe(0);
    }
  }, 60_000);

  it('honours a hook sent while a CronJob-style sync holds the lock, after that sync', async () => {
    const a = await replica();
    try {
      await sim.publish('cron-one', '1.0.0', { commit: false });
      sim.commit('cron one');
      sim.fault('cron-one@1.0.0', { kind: 'stall', times: 1 });
      const cron = start(['sync', '--json', ...common()], { cwd: workdir(), env: env() });
      const cronLogs = () => cron.logsSoFar();
      await until(() => cronLogs().some((l) => l['msg'] === 'incremental sync started'));
      await sim.publish('cron-two', '1.0.0', { commit: false });
      const head = sim.commit('published during the CronJob run');
      expect(await a.hook()).toBe(202);
      await until(() => a.logs().some((l) => String(l['msg']).startsWith('lock busy')));
      const done = await cron.done;
      expect(done.code, done.stderr).toBe(0);
      await settle([a], head);
      // The CronJob saw the hook before releasing the lock and ran again for it.
      expect(
        done.logs.some((l) =>
          String(l['msg']).startsWith('a sync was requested while this one ran'),
        ),
      ).toBe(true);
      expect(done.summary).toMatchObject({ index_commit: head, status: 'ok' });
      expect(sim.downloads.filter((d) => d.id === 'cron-two@1.0.0')).toHaveLength(1);
      await assertNoOverlap();
    } finally {
      a.server.child.kill('SIGTERM');
      expect((await a.server.done).code).toBe(0);
    }
  }, 60_000);

  it('a plain sync with nobody asking runs once', async () => {
    const done = await run(['sync', '--json', ...common()], { cwd: workdir(), env: env() });
    expect(done.code, done.stderr).toBe(0);
    expect(done.logs.filter((l) => l['msg'] === 'pulling the index')).toHaveLength(1);
  });
});
