/**
 * The contract every crate store keeps, run against the filesystem store and against real S3
 * (@20minutes/s3rver on a random loopback port, through @aws-sdk/client-s3).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3rver, type TestServer } from '../../../tools/test-servers/index.mjs';
import type { CrateStore } from './crate-store.js';
import { ChecksumMismatchError, CrateTooLargeError } from './errors.js';
import { openCrateStore } from './open-crate-store.js';
import { createS3Client } from './s3/s3-client.js';
import { all, chunked, collect, crateWithBody, tempDir } from './test-support/crates.js';

interface Backend {
  readonly name: string;
  open(options?: { maxObjectBytes?: number }): CrateStore;
  /** Opens a fresh, empty store. */
  fresh(options?: { maxObjectBytes?: number }): CrateStore;
}

let s3:
  (TestServer & { credentials: { accessKeyId: string; secretAccessKey: string } }) | undefined;
const dirs: Array<{ remove: () => void }> = [];
let prefixCounter = 0;

beforeAll(async () => {
  s3 = await startS3rver({ buckets: ['crates'] });
});
afterAll(async () => {
  await s3?.stop();
  for (const d of dirs) d.remove();
});

function s3Client() {
  if (!s3) throw new Error('s3rver not started');
  return createS3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    credentials: s3.credentials,
    maxAttempts: 2,
  });
}

const backends: Backend[] = [
  {
    name: 'filesystem',
    open: () => {
      throw new Error('unused');
    },
    fresh: (options) => {
      const dir = tempDir();
      dirs.push(dir);
      return openCrateStore(dir.dir, options);
    },
  },
  {
    name: 's3 (s3rver)',
    open: () => {
      throw new Error('unused');
    },
    fresh: (options) =>
      openCrateStore(`s3://crates/run-${++prefixCounter}/mirror`, { s3: s3Client(), ...options }),
  },
];

describe.each(backends)('$name crate store', (backend) => {
  it('stores a verified crate under its static.crates.io key and reads it back', async () => {
    const store = backend.fresh();
    const { crate, body } = crateWithBody('serde', '1.0.0', 10_000);
    expect(await store.has(crate)).toBe(false);
    expect(await store.get(crate)).toBeUndefined();
    const result = await store.put(crate, chunked(body));
    expect(result).toEqual({
      outcome: 'stored',
      key: 'crates/serde/serde-1.0.0.crate',
      bytes: 10_000,
    });
    expect(await store.has(crate)).toBe(true);
    expect((await collect(await store.get(crate)))?.equals(body)).toBe(true);
  });

  it('takes an index entry as it is (vers, cksum) for put, has, get and delete', async () => {
    const store = backend.fresh();
    const { crate, body } = crateWithBody('entry-shaped', '2.0.0');
    const entry = {
      name: crate.name,
      vers: crate.version,
      cksum: crate.cksum,
      deps: [],
      features: {},
    };
    expect((await store.put(entry, body)).key).toBe('crates/entry-shaped/entry-shaped-2.0.0.crate');
    expect(await store.has(entry)).toBe(true);
    expect((await collect(await store.get(entry)))?.equals(body)).toBe(true);
    expect(await store.delete(entry)).toBe(true);
    expect(await store.has(crate)).toBe(false);
  });

  it('reports an existing key as exists and keeps the first object', async () => {
    const store = backend.fresh();
    const { crate, body } = crateWithBody('dup', '0.1.0');
    await store.put(crate, body);
    const second = await store.put(crate, body);
    expect(second.outcome === 'exists' || second.outcome === 'stored').toBe(true);
    expect((await collect(await store.get(crate)))?.equals(body)).toBe(true);
  });

  it('refuses a body whose sha256 differs from cksum and stores nothing', async () => {
    const store = backend.fresh();
    const { crate } = crateWithBody('wrong', '1.0.0');
    const error = await store
      .put(crate, chunked(Buffer.from('not the crate')))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChecksumMismatchError);
    expect((error as ChecksumMismatchError).code).toBe('CHECKSUM_MISMATCH');
    expect((error as ChecksumMismatchError).input).toBe('wrong@1.0.0');
    expect(await store.has(crate)).toBe(false);
    expect(await all(store.list())).toEqual([]);
  });

  it('stores nothing when the body breaks off mid-stream (connection reset)', async () => {
    const store = backend.fresh();
    const { crate, body } = crateWithBody('reset', '1.0.0', 4096);
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    await expect(store.put(crate, chunked(body.subarray(0, 1000), 256, reset))).rejects.toBe(reset);
    expect(await store.has(crate)).toBe(false);
    expect(await all(store.list())).toEqual([]);
  });

  it('stores nothing for a truncated body', async () => {
    const store = backend.fresh();
    const { crate, body } = crateWithBody('short', '1.0.0', 4096);
    await expect(store.put(crate, chunked(body.subarray(0, 4000)))).rejects.toBeInstanceOf(
      ChecksumMismatchError,
    );
    expect(await store.has(crate)).toBe(false);
  });

  it('refuses a body over the size limit', async () => {
    const store = backend.fresh({ maxObjectBytes: 1000 });
    const { crate, body } = crateWithBody('big', '1.0.0', 5000);
    const error = await store.put(crate, chunked(body)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CrateTooLargeError);
    expect((error as CrateTooLargeError).code).toBe('STORE_CRATE_TOO_LARGE');
    expect(await store.has(crate)).toBe(false);
  });

  it('stops and stores nothing when the put is aborted', async () => {
    const store = backend.fresh();
    const { crate, body } = crateWithBody('aborted', '1.0.0', 8192);
    const controller = new AbortController();
    const stream = (async function* () {
      yield body.subarray(0, 100);
      controller.abort(new Error('SIGTERM'));
      yield body.subarray(100);
    })();
    await expect(store.put(crate, stream, { signal: controller.signal })).rejects.toThrow(
      'SIGTERM',
    );
    expect(await store.has(crate)).toBe(false);
  });

  it('lists every stored crate in key order across several pages and skips foreign keys', async () => {
    const store = backend.fresh();
    const refs: Array<{ name: string; version: string }> = [];
    const puts: Array<Promise<unknown>> = [];
    for (let i = 0; i < 1_150; i++) {
      const { crate, body } = crateWithBody(`c${i % 37}`, `1.${Math.floor(i / 37)}.0`, 16);
      refs.push({ name: crate.name, version: crate.version });
      puts.push(store.put(crate, body));
      if (puts.length >= 32) await Promise.all(puts.splice(0));
    }
    await Promise.all(puts);
    await store.writeObject('_lcs/fetcher/state.json', Buffer.from('{}'));
    const listed = await all(store.list());
    expect(listed).toHaveLength(1_150);
    const keys = listed.map((c) => c.key);
    expect(keys).toEqual([...keys].sort());
    expect(new Set(listed.map((c) => `${c.name}@${c.version}`))).toEqual(
      new Set(refs.map((r) => `${r.name}@${r.version}`)),
    );
    expect(listed.every((c) => c.size === 16)).toBe(true);
  });

  it('deletes a crate on request and reports absence', async () => {
    const store = backend.fresh();
    const { crate, body } = crateWithBody('gone', '1.0.0');
    await store.put(crate, body);
    expect(await store.delete(crate)).toBe(true);
    expect(await store.delete(crate)).toBe(false);
    expect(await store.has(crate)).toBe(false);
  });

  it('keeps state objects under _lcs/ and refuses other keys', async () => {
    const store = backend.fresh();
    expect(await store.readObject('_lcs/fetcher/failures-1.json')).toBeUndefined();
    await store.writeObject('_lcs/fetcher/failures-1.json', Buffer.from('[1]'));
    expect(
      Buffer.from((await store.readObject('_lcs/fetcher/failures-1.json')) ?? []).toString(),
    ).toBe('[1]');
    await expect(
      store.writeObject('crates/serde/serde-1.0.0.crate', Buffer.from('x')),
    ).rejects.toMatchObject({ code: 'STORE_REF_INVALID' });
    await expect(store.readObject('_lcs/../crates/x')).rejects.toMatchObject({
      code: 'STORE_REF_INVALID',
    });
  });
});
