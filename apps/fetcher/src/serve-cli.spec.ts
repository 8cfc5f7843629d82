/**
 * End-to-end: `lcs-fetcher serve` with the webhook, and `sync` against the production backends
 * (S3 through s3rver, metadata and lock in a real etcd).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCrateStore, openMetadataStore, type StoredCrate } from '@lcs/crate-store';
import { createS3Client } from '@lcs/crate-store/s3';
import { signBody } from '@lcs/mirror';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startEtcd,
  startRegistrySimulator,
  startS3rver,
  type RegistrySimulator,
} from '../../../tools/test-servers/index.mjs';
import { run, sendHook, servingPort, startServe, until } from './test-support/cli.js';

const SECRET = 'e2e-webhook-secret-0123456789';
let sim: RegistrySimulator;
const dirs: string[] = [];
beforeAll(async () => {
  sim = await startRegistrySimulator({ crates: 8, versionsPerCrate: 2 });
});
afterAll(async () => {
  await sim.stop();
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});
function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lcs-serve-'));
  dirs.push(dir);
  return dir;
}

describe('lcs-fetcher serve (end to end)', () => {
  it('syncs on a signed webhook, refuses bad and missing signatures, coalesces a burst, serves health and metrics', async () => {
    const cwd = workdir();
    const server = startServe(sim.indexPath, [], { cwd, env: { LCS_WEBHOOK_SECRET: SECRET } });
    try {
      const port = await servingPort(running);
      const base = `http://127.0.0.1:${port}`;
      const hook = (signature?: string) =>
        fetch(`${base}/_/index-webhook`, {
          method: 'POST',
          body: '{"ref":"refs/heads/master"}',
          headers: signature ? { 'x-hub-signature-256': signature } : {},
        });
      expect((await hook()).status).toBe(401);
      expect(
        (await hook(signBody('not-the-secret-at-all', '{"ref":"refs/heads/master"}'))).status,
      ).toBe(401);
      expect(syncsStarted()).toBe(0);

      const burst = await Promise.all(
        Array.from({ length: 10 }, () => hook(signBody(SECRET, '{"ref":"refs/heads/master"}'))),
      );
      expect(burst.every((r) => r.status === 202)).toBe(true);
      // Wait for the first sync, then for a queued follow-up, if any, to finish as well.
      await until(() => syncsFinished() >= 1 && syncsFinished() === syncsStarted());
      await new Promise((r) => setTimeout(r, 300));
      await until(() => syncsFinished() === syncsStarted());
      expect(syncsStarted()).toBeGreaterThanOrEqual(1);
      expect(syncsStarted()).toBeLessThanOrEqual(2);
      // Never two at once: every start follows the previous finish.
      const order = running()
        .filter((l) => /^sync (started|finished)/.test(String(l['msg'])))
        .map((l) => String(l['msg']).split(' ')[1]);
      expect(order.join(',')).toMatch(/^(started,finished,?)+$/);

      const store = openCrateStore(join(cwd, '.lcs/store'));
      const stored: string[] = [];
      for await (const crate of store.list() as AsyncIterable<StoredCrate>) stored.push(crate.key);
      expect(stored).toHaveLength(16);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${base}/readyz`)).json()).toMatchObject({ ready: true });
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toContain('downloaded_crates_total 16');
      expect(metrics).toMatch(/index_crate_version_count\{crate_name="[a-z0-9_-]+"\} 2/);
    } finally {
      server.child.kill('SIGTERM');
      const stopped = await server.done;
      expect(stopped.code).toBe(0);
    }

    function running() {
      return server.logsSoFar();
    }
    function syncsStarted() {
      return running().filter((l) => String(l['msg']).startsWith('sync started')).length;
    }
    function syncsFinished() {
      return running().filter((l) => l['msg'] === 'sync finished').length;
    }
  });
});

describe('lcs-fetcher serve under load and contention', () => {
  function serve(cwd: string, extra: string[] = []) {
    const server = startServe(sim.indexPath, extra, {
      cwd,
      env: { LCS_WEBHOOK_SECRET: SECRET },
    });
    const logs = () => server.logsSoFar();
    return { server, logs };
  }

  it('keeps a hook that arrives while another runner holds the lock (a retry is pending) and stays ready', async () => {
    const cwd = workdir();
    const holder = await openMetadataStore(join(cwd, '.lcs/metadata')).acquireLock({
      name: 'fetcher',
      owner: 'the CronJob',
    });
    const { server, logs } = serve(cwd);
    try {
      const base = `http://127.0.0.1:${await servingPort(logs)}`;
      expect(await sendHook(base, SECRET)).toBe(202);
      await until(() => logs().some((l) => String(l['msg']).startsWith('lock busy')));
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ ready: true, waiting_for_lock: true });
      expect(logs().some((l) => l['msg'] === 'sync finished')).toBe(false);
      await holder.release();
      // The retry comes 30 s later in production; here we only check it is pending, then stop.
    } finally {
      server.child.kill('SIGTERM');
      expect((await server.done).code).toBe(0);
    }
  });

  it('ends on SIGTERM within the drain period even while a client holds a half-sent request', async () => {
    const cwd = workdir();
    const { server, logs } = serve(cwd, ['--drain-seconds', '1']);
    const port = await servingPort(logs);
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((r) => socket.once('connect', () => r()));
    // Headers never finished.
    socket.write('POST /_/index-webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n');
    socket.on('error', () => undefined);
    await new Promise((r) => setTimeout(r, 100));
    const sent = Date.now();
    server.child.kill('SIGTERM');
    const stopped = await server.done;
    expect(stopped.code).toBe(0);
    expect(Date.now() - sent).toBeLessThan(5_000);
    socket.destroy();
  });
});

describe('lcs-fetcher sync on S3 (s3rver) and etcd', () => {
  it('mirrors into S3, keeps cursor and lock in etcd, writes and serves metrics, and is refused while another holds the lock', async () => {
    const s3 = await startS3rver({ buckets: ['crates'] });
    const etcd = await startEtcd();
    const cwd = workdir();
    const env = {
      LCS_STORE: 's3://crates/mirror',
      LCS_METADATA: `etcd://${etcd.hostPort}/lcs-e2e`,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      NODE_NO_WARNINGS: '1',
    };
    try {
      const first = await run(
        ['sync', '--index', sim.indexPath, '--json', '--metrics-file', join(cwd, 'lcs.prom')],
        { cwd, env },
      );
      expect(first.code, first.stderr).toBe(0);
      expect(first.summary).toMatchObject({ status: 'ok', downloaded: 16 });
      const client = createS3Client({
        endpoint: s3.endpoint,
        region: 'us-east-1',
        credentials: s3.credentials,
      });
      const store = openCrateStore('s3://crates/mirror', { s3: client });
      const listed: string[] = [];
      for await (const c of store.list() as AsyncIterable<StoredCrate>)
        listed.push(`${c.name}@${c.version}`);
      expect(listed.sort()).toEqual([...sim.published.keys()].sort());
      const metadata = openMetadataStore(`etcd://${etcd.hostPort}/lcs-e2e`);
      expect(JSON.parse((await metadata.get('fetcher/cursor')) ?? '{}')).toMatchObject({
        commit: first.summary?.['index_commit'],
      });
      expect(readFileSync(join(cwd, 'lcs.prom'), 'utf8')).toContain('downloaded_crates_total 16');

      const lock = await metadata.acquireLock({
        name: 'fetcher',
        owner: 'cronjob pod x',
        ttlSeconds: 10,
      });
      const refused = await run(['sync', '--index', sim.indexPath], { cwd, env });
      expect(refused.code).toBe(3);
      expect(refused.stderr).toContain('cronjob pod x');
      await lock.release();
      await metadata.close();
      client.destroy();
    } finally {
      await s3.stop();
      await etcd.stop();
    }
  });
});
