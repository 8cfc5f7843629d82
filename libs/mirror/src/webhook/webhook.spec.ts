import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { SyncScheduler } from '../sync/sync-scheduler.js';
import { createWebhookServer } from './webhook-server.js';
import { signBody, verifySignature } from './webhook-signature.js';

const SECRET = 'a-secret-of-sufficient-length';

describe('verifySignature', () => {
  it('accepts the HMAC of the raw body and refuses anything else', () => {
    const body = '{"ref":"refs/heads/master"}';
    expect(verifySignature(SECRET, body, signBody(SECRET, body))).toBe(true);
    expect(verifySignature(SECRET, `${body} `, signBody(SECRET, body))).toBe(false);
    expect(verifySignature('other-secret-of-length', body, signBody(SECRET, body))).toBe(false);
    expect(verifySignature(SECRET, body, undefined)).toBe(false);
    expect(verifySignature(SECRET, body, 'sha256=abc')).toBe(false);
    expect(verifySignature(SECRET, body, signBody(SECRET, body).replace('sha256=', 'sha1='))).toBe(
      false,
    );
  });
});

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('SyncScheduler', () => {
  it('runs one sync at a time and coalesces a burst into one follow-up', async () => {
    let running = 0;
    let maxRunning = 0;
    const gates: Array<ReturnType<typeof deferred>> = [];
    const scheduler = new SyncScheduler(async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      const gate = deferred();
      gates.push(gate);
      await gate.promise;
      running--;
    });
    expect(scheduler.trigger('hook')).toBe('started');
    for (let i = 0; i < 20; i++) expect(scheduler.trigger('hook')).toBe('queued');
    gates[0]?.resolve();
    await new Promise((r) => setTimeout(r, 10));
    expect(scheduler.state).toMatchObject({ running: true, queued: false, runs: 2 });
    gates[1]?.resolve();
    await scheduler.close();
    expect(maxRunning).toBe(1);
    expect(scheduler.state.runs).toBe(2);
    expect(scheduler.trigger('late')).toBe('ignored');
  });

  it('records a failed sync and keeps serving', async () => {
    const errors: unknown[] = [];
    const scheduler = new SyncScheduler(
      async () => {
        throw new Error('index unreachable');
      },
      (e) => errors.push(e),
    );
    scheduler.trigger('x');
    await scheduler.close();
    expect((scheduler.state.lastError as Error).message).toBe('index unreachable');
    expect(errors).toHaveLength(1);
  });
});

describe('SyncScheduler with a busy lock', () => {
  it('retries a sync refused because another runner holds the lock, without calling it a failure', async () => {
    const busy = Object.assign(new Error('lock held by the CronJob'), { code: 'LOCK_HELD' });
    const reasons: string[] = [];
    const retries: boolean[] = [];
    const errors: unknown[] = [];
    const scheduler = new SyncScheduler(
      async (reason, request) => {
        reasons.push(reason);
        retries.push(request.retry);
        if (reasons.length < 3) throw busy;
      },
      {
        onError: (e) => errors.push(e),
        isBusy: (e) => (e as { code?: unknown }).code === 'LOCK_HELD',
        busyRetryMs: 20,
      },
    );
    expect(scheduler.trigger('webhook')).toBe('started');
    await new Promise((r) => setTimeout(r, 10));
    expect(scheduler.state).toMatchObject({ waitingForLock: true, lastError: undefined });
    for (let i = 0; i < 50 && reasons.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
    expect(reasons).toEqual([
      'webhook',
      'webhook (retry: lock was busy)',
      'webhook (retry: lock was busy)',
    ]);
    // Only the first request is new (the server records it as wanted); the others retry it.
    expect(retries).toEqual([false, true, true]);
    expect(errors).toEqual([]);
    await scheduler.close();
    expect(scheduler.state).toMatchObject({ waitingForLock: false, runs: 3 });
  });
});

describe('createWebhookServer', () => {
  async function start(options: { secret?: string; allowUnsigned?: boolean } = { secret: SECRET }) {
    const triggers: string[] = [];
    const scheduler = new SyncScheduler(async (reason) => void triggers.push(reason));
    const server = createWebhookServer({ scheduler, ...options, maxBodyBytes: 1024 });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return {
      base,
      triggers,
      scheduler,
      close: () => new Promise<void>((r) => server.close(() => r())),
    };
  }

  it('starts a sync for a signed hook and refuses bad or missing signatures with 401', async () => {
    const { base, triggers, scheduler, close } = await start();
    const body = '{"zen":"hi"}';
    const hook = (headers: Record<string, string>, b = body) =>
      fetch(`${base}/_/index-webhook`, { method: 'POST', headers, body: b });
    expect((await hook({})).status).toBe(401);
    expect(
      (await hook({ 'x-hub-signature-256': signBody('wrong-secret-xxxxxxxx', body) })).status,
    ).toBe(401);
    expect(triggers).toEqual([]);
    const good = await hook({ 'x-hub-signature-256': signBody(SECRET, body) });
    expect(good.status).toBe(202);
    expect(good.headers.get('x-content-type-options')).toBe('nosniff');
    await scheduler.close();
    expect(triggers).toEqual(['webhook']);
    await close();
  });

  it('refuses the hook without a configured secret (403) unless explicitly allowed', async () => {
    const refused = await start({});
    expect(
      (await fetch(`${refused.base}/_/index-webhook`, { method: 'POST', body: '{}' })).status,
    ).toBe(403);
    await refused.close();
    const allowed = await start({ allowUnsigned: true });
    expect(
      (await fetch(`${allowed.base}/_/index-webhook`, { method: 'POST', body: '{}' })).status,
    ).toBe(202);
    await allowed.scheduler.close();
    await allowed.close();
  });

  it('limits the body size, answers health and readiness, 405 and 404', async () => {
    const { base, close, scheduler } = await start();
    const big = 'x'.repeat(4096);
    expect(
      (
        await fetch(`${base}/_/index-webhook`, {
          method: 'POST',
          body: big,
          headers: { 'x-hub-signature-256': signBody(SECRET, big) },
        })
      ).status,
    ).toBe(413);
    expect((await fetch(`${base}/_/index-webhook`)).status).toBe(405);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${base}/readyz`)).json()).toMatchObject({ ready: true, runs: 0 });
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    await scheduler.close();
    await close();
  });

  it('answers 413 to an oversize chunked body instead of resetting the connection', async () => {
    const { base, close, scheduler } = await start();
    const url = new URL(`${base}/_/index-webhook`);
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST' },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      request.on('error', reject);
      // No Content-Length: chunked, so only counting can refuse it.
      for (let i = 0; i < 64; i++) request.write('x'.repeat(1024));
      request.end();
    });
    expect(status).toBe(413);
    await scheduler.close();
    await close();
  });

  it('stays ready after a failed sync (readiness is the server, not the last sync); not once closing', async () => {
    const scheduler = new SyncScheduler(async () => {
      throw new Error('index unreachable');
    });
    const server = createWebhookServer({ scheduler, allowUnsigned: true });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    scheduler.trigger('x');
    await new Promise((r) => setTimeout(r, 20));
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, last_sync_ok: false, runs: 1 });
    await scheduler.close();
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    await new Promise<void>((r) => server.close(() => r()));
  });
});
