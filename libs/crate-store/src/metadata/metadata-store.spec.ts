/**
 * The contract of every metadata store, against the file store and a real etcd (Debian's
 * etcd-server, started on random loopback ports): values, size limits, lock contention between two
 * clients, release, lease loss and fenced writes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasEtcd, startEtcd, type TestServer } from '../../../../tools/test-servers/index.mjs';
import { LockHeldError, LockLostError, MetadataError } from '../errors.js';
import { MAX_METADATA_VALUE_BYTES, type MetadataStore } from './metadata-store.js';
import { openMetadataStore } from './open-metadata-store.js';
import { tempDir } from '../test-support/crates.js';

let etcd: (TestServer & { hostPort: string }) | undefined;
const removers: Array<() => void> = [];
const opened: MetadataStore[] = [];
let counter = 0;

beforeAll(async () => {
  // CI installs etcd-server (.ci/run); a developer machine without it fails loudly, never skips.
  if (!hasEtcd()) throw new Error('etcd is not installed: apt-get install -y etcd-server');
  etcd = await startEtcd();
});
afterAll(async () => {
  for (const store of opened) await store.close();
  await etcd?.stop();
  removers.forEach((r) => r());
});

interface Backend {
  readonly name: string;
  /** A URL for a fresh, empty namespace; stores opened on the same URL share state. */
  url(): string;
}

const backends: Backend[] = [
  {
    name: 'file',
    url: () => {
      const { dir, remove } = tempDir('lcs-meta-');
      removers.push(remove);
      return dir;
    },
  },
  { name: 'etcd', url: () => `etcd://${etcd?.hostPort}/test-${++counter}` },
];

function open(url: string): MetadataStore {
  const store = openMetadataStore(url);
  opened.push(store);
  return store;
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.each(backends)('$name metadata store', (backend) => {
  it('stores, overwrites, reads and deletes values', async () => {
    const store = open(backend.url());
    expect(await store.get('fetcher/cursor')).toBeUndefined();
    await store.put('fetcher/cursor', 'a');
    await store.put('fetcher/cursor', 'b');
    expect(await store.get('fetcher/cursor')).toBe('b');
    await store.delete('fetcher/cursor');
    await store.delete('fetcher/cursor');
    expect(await store.get('fetcher/cursor')).toBeUndefined();
  });

  it('refuses invalid keys and values over the limit with typed errors', async () => {
    const store = open(backend.url());
    await expect(store.put('../x', 'v')).rejects.toMatchObject({
      code: 'METADATA_KEY_INVALID',
      input: '../x',
    });
    const error = await store
      .put('big', 'x'.repeat(MAX_METADATA_VALUE_BYTES + 1))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MetadataError);
    expect((error as MetadataError).code).toBe('METADATA_VALUE_TOO_LARGE');
    expect(await store.get('big')).toBeUndefined();
  });

  it('gives the lock to one of two clients; the other is refused at once, naming the holder', async () => {
    const url = backend.url();
    const [a, b] = [open(url), open(url)];
    const lock = await a.acquireLock({ owner: 'runner-a', ttlSeconds: 5 });
    const started = Date.now();
    const refused = await b
      .acquireLock({ owner: 'runner-b', ttlSeconds: 5 })
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(refused).toBeInstanceOf(LockHeldError);
    expect((refused as LockHeldError).code).toBe('LOCK_HELD');
    expect((refused as LockHeldError).holder).toBe('runner-a');
    // A read of the holder takes nothing: the lock stays runner-a's.
    expect(await b.lockHolder('fetcher')).toBe('runner-a');
    expect(await b.lockHolder('backfiller')).toBeUndefined();
    await a.put('fetcher/cursor', 'from-a', { lock });
    await lock.release();
    expect(await b.lockHolder('fetcher')).toBeUndefined();
    const second = await b.acquireLock({ owner: 'runner-b', ttlSeconds: 5 });
    expect(second.owner).toBe('runner-b');
    expect(() => lock.assertHeld()).toThrow(LockLostError);
    await second.release();
  });

  it('locks of different names do not collide', async () => {
    const url = backend.url();
    const fetcher = await open(url).acquireLock({ name: 'fetcher', ttlSeconds: 5 });
    const backfiller = await open(url).acquireLock({ name: 'backfiller', ttlSeconds: 5 });
    await Promise.all([fetcher.release(), backfiller.release()]);
  });

  it('keeps the lock past its TTL while the holder renews it', async () => {
    const url = backend.url();
    const lock = await open(url).acquireLock({ owner: 'long', ttlSeconds: 1 });
    await new Promise((r) => setTimeout(r, 2_500));
    expect(() => lock.assertHeld()).not.toThrow();
    await expect(open(url).acquireLock({ ttlSeconds: 1 })).rejects.toBeInstanceOf(LockHeldError);
    await lock.release();
  });
});

describe('lease loss', () => {
  it('etcd: a revoked lease aborts the holder, fences its writes and frees the lock', async () => {
    const url = `etcd://${etcd?.hostPort}/loss-${++counter}`;
    const store = open(url);
    const lock = await store.acquireLock({ owner: 'holder', ttlSeconds: 2 });
    await store.put('fetcher/cursor', 'before', { lock });
    // An operator (or etcd itself, after a partition) ends the lease.
    const admin = new Etcd3({ hosts: `http://${etcd?.hostPort}` });
    const { leases } = await admin.leaseClient.leaseLeases({});
    for (const { ID } of leases) await admin.leaseClient.leaseRevoke({ ID });
    admin.close();
    await until(() => lock.signal.aborted);
    expect(lock.signal.reason).toBeInstanceOf(LockLostError);
    const fenced = await store.put('fetcher/cursor', 'after', { lock }).catch((e: unknown) => e);
    expect(fenced).toBeInstanceOf(LockLostError);
    expect((fenced as LockLostError).code).toBe('LOCK_LOST');
    expect(await store.get('fetcher/cursor')).toBe('before');
    const next = await open(url).acquireLock({ owner: 'successor', ttlSeconds: 2 });
    await next.release();
  });

  it('etcd: a holder cut off from etcd declares the lock lost within its TTL', async () => {
    const local = await startEtcd();
    try {
      const store = openMetadataStore(`etcd://${local.hostPort}/cut`);
      const lock = await store.acquireLock({ ttlSeconds: 1 });
      await local.stop();
      const stopped = Date.now();
      await until(() => lock.signal.aborted, 5_000);
      expect(Date.now() - stopped).toBeLessThan(2_500);
      await lock.release();
      await store.close();
    } finally {
      await local.stop();
    }
  });

  it('file: a holder whose lock file was taken over stops; an expired or dead holder is taken over', async () => {
    const url = backends[0]?.url() ?? '';
    const lock = await open(url).acquireLock({ owner: 'old', ttlSeconds: 1 });
    const path = join(url, 'locks', 'fetcher.lock');
    // Simulate a frozen holder: its lock file has expired (its renewals stalled).
    const stale = {
      ...JSON.parse(readFileSync(path, 'utf8')),
      expiresAt: Date.now() - 1,
      pid: 1 << 22,
    };
    writeFileSync(path, JSON.stringify(stale));
    const successor = await open(url).acquireLock({ owner: 'new', ttlSeconds: 1 });
    await until(() => lock.signal.aborted);
    await expect(open(url).put('fetcher/cursor', 'x', { lock })).rejects.toBeInstanceOf(
      LockLostError,
    );
    await lock.release();
    // Releasing the old lock must not remove the successor's.
    await expect(open(url).acquireLock({ ttlSeconds: 1 })).rejects.toMatchObject({ holder: 'new' });
    await successor.release();
  });

  it('file: a lock left by a process that no longer exists is taken over at once', async () => {
    const url = backends[0]?.url() ?? '';
    const lock = await open(url).acquireLock({ owner: 'crashed', ttlSeconds: 60 });
    const path = join(url, 'locks', 'fetcher.lock');
    await lock.release();
    // A SIGKILLed runner leaves its file behind with a pid that no longer runs.
    writeFileSync(
      path,
      JSON.stringify({
        owner: 'crashed',
        token: 't',
        host: (await import('node:os')).hostname(),
        pid: 1 << 22,
        expiresAt: Date.now() + 60_000,
      }),
    );
    const next = await open(url).acquireLock({ owner: 'next', ttlSeconds: 60 });
    expect(next.owner).toBe('next');
    await next.release();
  });
});
