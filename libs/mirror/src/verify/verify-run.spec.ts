/**
 * runVerify on both stores (filesystem, and S3 through s3rver): every kind of damage is found by
 * name, `repair` mends what can be mended and quarantines the damaged bytes, a stopped scrub
 * resumed later reads every object exactly once, and a repair that fails loses nothing.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  crateKey,
  FileMetadataStore,
  FsCrateStore,
  type CrateRefInput,
  type CrateStore,
} from '@lcs/crate-store';
import { createS3Client, S3CrateStore } from '@lcs/crate-store/s3';
import { GitIndexSource, indexPath } from '@lcs/index-reader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startRegistrySimulator,
  startS3rver,
  type RegistrySimulator,
  type SimCrate,
} from '../../../../tools/test-servers/index.mjs';
import { Downloader } from '../download/downloader.js';
import { runVerify, type VerifyOptions, type VerifySummary } from './verify-run.js';
import { SyncStateStore } from '../sync/sync-state.js';
import { VerifyStateStore } from './verify-state.js';

/** A store under test. */
interface Backend {
  readonly store: CrateStore;
  stop(): Promise<void>;
}

const dirs: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'lcs-verify-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function fsBackend(): Promise<Backend> {
  return { store: new FsCrateStore(temp()), stop: async () => undefined };
}

async function s3Backend(): Promise<Backend> {
  const s3 = await startS3rver({ buckets: ['crates'] });
  const client = createS3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    credentials: s3.credentials,
  });
  return {
    store: new S3CrateStore({ client, bucket: 'crates', prefix: 'mirror/' }),
    stop: async () => {
      client.destroy();
      await s3.stop();
    },
  };
}

/**
 * Writes `bytes` under a crate's key whatever they are, as an operator's `mc cp` or a bad disk
 * would: a put that "verifies" them against their own digest; `undefined` deletes the key.
 */
async function overwrite(
  store: CrateStore,
  ref: { name: string; version: string },
  bytes: Uint8Array | undefined,
): Promise<void> {
  if (bytes === undefined) return void (await store.delete(ref));
  const cksum = createHash('sha256').update(bytes).digest('hex');
  await store.put({ ...ref, cksum }, bytes, { replace: true });
}

async function bytesOf(store: CrateStore, ref: CrateRefInput): Promise<Buffer | undefined> {
  const body = await store.get(ref);
  if (!body) return undefined;
  const chunks: Uint8Array[] = [];
  for await (const c of body) chunks.push(c);
  return Buffer.concat(chunks);
}

let sim: RegistrySimulator;
beforeAll(async () => {
  sim = await startRegistrySimulator({ crates: 8, versionsPerCrate: 2 });
  return () => sim.stop();
});

/** Runs a scrub with its own lock (and the sync's lock for a repair). */
async function verify(
  backend: Backend,
  meta: string,
  options: Partial<VerifyOptions> & { doRepair?: boolean } = {},
): Promise<VerifySummary> {
  const source = await GitIndexSource.open(sim.indexPath);
  const metadata = new FileMetadataStore(meta);
  const state = new VerifyStateStore(metadata);
  const lock = await metadata.acquireLock({ name: state.lockName });
  const syncLock = options.doRepair ? await metadata.acquireLock() : undefined;
  const downloader = new Downloader({ userAgent: 'test', maxAttempts: 1 });
  try {
    return await runVerify({
      source,
      store: backend.store,
      state,
      lock,
      concurrency: 3,
      ...(syncLock
        ? {
            repair: {
              downloader,
              lock: syncLock,
              retry: new SyncStateStore({ metadata, objects: backend.store }),
            },
          }
        : {}),
      ...options,
    });
  } finally {
    downloader.close();
    await syncLock?.release();
    await lock.release();
    await source.close();
  }
}

async function fill(backend: Backend): Promise<SimCrate[]> {
  const all = [...sim.published.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const c of all) await backend.store.put(c, c.bytes);
  return all;
}

const names = (s: VerifySummary, kind: keyof VerifySummary['first']) =>
  s.first[kind].map((f) => `${f.name}@${f.version}`).sort();

describe.each([
  ['filesystem', fsBackend],
  ['S3 (s3rver)', s3Backend],
])('runVerify on the %s store', (_label, open) => {
  it('names every damaged, missing and unexpected object; a repair mends them all', async () => {
    const backend = await open();
    const meta = temp();
    try {
      const all = await fill(backend);
      const [flipped, truncated, empty, swapped, gone, other] = all as [
        SimCrate,
        SimCrate,
        SimCrate,
        SimCrate,
        SimCrate,
        SimCrate,
      ];
      const flip = Buffer.from(flipped.bytes);
      flip[100] = (flip[100] ?? 0) ^ 0x01;
      await overwrite(backend.store, flipped, flip);
      await overwrite(backend.store, truncated, truncated.bytes.subarray(0, 50));
      await overwrite(backend.store, empty, new Uint8Array(0));
      await overwrite(backend.store, swapped, other.bytes);
      await overwrite(backend.store, gone, undefined);
      await overwrite(backend.store, { name: 'ghost', version: '9.9.9' }, other.bytes);
      const damaged = new Map([
        [crateKey(flipped), flip],
        [crateKey(truncated), truncated.bytes.subarray(0, 50)],
        [crateKey(empty), Buffer.alloc(0)],
        [crateKey(swapped), other.bytes],
      ]);

      const found = await verify(backend, meta);
      expect(found).toMatchObject({
        status: 'problems',
        complete: true,
        versions: all.length,
        checked: all.length - 1,
        ok: all.length - 5,
        corrupt: 4,
        missing: 1,
        unexpected: 1,
        repaired: 0,
      });
      const id = (c: SimCrate) => `${c.name}@${c.version}`;
      expect(names(found, 'corrupt')).toEqual([flipped, truncated, empty, swapped].map(id).sort());
      expect(names(found, 'missing')).toEqual([id(gone)]);
      expect(names(found, 'unexpected')).toEqual(['ghost@9.9.9']);
      const sizes = Object.fromEntries(found.first.corrupt.map((f) => [f.key, f.bytes]));
      expect(sizes[crateKey(truncated)]).toBe(50);
      expect(sizes[crateKey(empty)]).toBe(0);
      // Nothing was written: the damaged objects are as they were.
      expect(await bytesOf(backend.store, flipped)).toEqual(flip);

      const repaired = await verify(backend, meta, { doRepair: true });
      expect(repaired).toMatchObject({ corrupt: 4, missing: 1, repaired: 5, repair_failed: 0 });
      expect(repaired.status).toBe('problems'); // the unexpected key is reported, never deleted
      for (const f of repaired.first.corrupt) {
        expect(f.repair).toBe('repaired');
        const kept = await backend.store.readObject(f.quarantine ?? '');
        expect(Buffer.from(kept ?? [])).toEqual(Buffer.from(damaged.get(f.key) ?? [1]));
      }
      for (const c of all) expect(await bytesOf(backend.store, c)).toEqual(Buffer.from(c.bytes));

      const again = await verify(backend, meta);
      expect(again).toMatchObject({ corrupt: 0, missing: 0, unexpected: 1, ok: all.length });
      await overwrite(backend.store, { name: 'ghost', version: '9.9.9' }, undefined);
      expect(await verify(backend, meta)).toMatchObject({ status: 'clean', ok: all.length });
    } finally {
      await backend.stop();
    }
  });
});

/** The store, counting each object read. */
/** `store`, calling `onGet` on each read: `get`, or `localFile` (what hashing threads open). */
function counting(store: CrateStore, onGet: (key: string) => void): CrateStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'get')
        return (ref: CrateRefInput) => {
          onGet(crateKey(ref));
          return target.get(ref);
        };
      if (prop === 'localFile' && target.localFile) {
        const localFile = target.localFile.bind(target);
        return (ref: CrateRefInput) => {
          onGet(crateKey(ref));
          return localFile(ref);
        };
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
}

describe('runVerify across stops', () => {
  it.each([
    ['read on this thread', 0],
    ['hashed in worker threads', 2],
  ])(
    'a scrub stopped twice and resumed reads every object exactly once in total (%s)',
    async (_, hashThreads) => {
      const backend = await fsBackend();
      const meta = temp();
      const all = await fill(backend);
      const reads = new Map<string, number>();
      let stop = new AbortController();
      let budget = 4;
      const store = counting(backend.store, (key) => {
        reads.set(key, (reads.get(key) ?? 0) + 1);
        if (--budget === 0) stop.abort();
      });
      const first = await verify({ store, stop: backend.stop }, meta, {
        signal: stop.signal,
        hashThreads,
      });
      expect(first).toMatchObject({ status: 'interrupted', complete: false, resumed: false });
      expect(first.checked).toBeLessThan(all.length);
      stop = new AbortController();
      budget = 5;
      const second = await verify({ store, stop: backend.stop }, meta, {
        signal: stop.signal,
        hashThreads,
      });
      expect(second).toMatchObject({ status: 'interrupted', resumed: true });
      stop = new AbortController();
      budget = Number.POSITIVE_INFINITY;
      const last = await verify({ store, stop: backend.stop }, meta, {
        signal: stop.signal,
        hashThreads,
      });
      expect(last).toMatchObject({ status: 'clean', complete: true, resumed: true });
      expect(last.checked).toBe(all.length);
      expect(last.ok).toBe(all.length);
      expect([...reads.keys()].sort()).toEqual(all.map((c) => crateKey(c)).sort());
      expect([...reads.values()].every((n) => n === 1)).toBe(true);
      // The next scrub is a new one: it reads everything again.
      const next = await verify({ store, stop: backend.stop }, meta, { hashThreads });
      expect(next).toMatchObject({ resumed: false, checked: all.length });
    },
  );

  it('a sample reads the same objects when resumed, and still finds every missing one', async () => {
    const backend = await fsBackend();
    const meta = temp();
    const all = await fill(backend);
    await overwrite(backend.store, all[0] as SimCrate, undefined);
    const summary = await verify(backend, meta, { sample: 0.5, seed: 'ab'.repeat(8) });
    expect(summary.missing).toBe(1);
    expect(summary.checked).toBeGreaterThan(0);
    expect(summary.checked).toBeLessThan(all.length - 1);
    const again = await verify(backend, meta, { sample: 0.5, seed: 'ab'.repeat(8) });
    expect(again.checked).toBe(summary.checked);
    await expect(verify(backend, meta, { sample: 1.5 })).rejects.toMatchObject({
      code: 'VERIFY_OPTIONS_INVALID',
    });
  });
});

describe('runVerify findings', () => {
  it('names the first of each class even when another class floods the list', async () => {
    const backend = await fsBackend();
    const meta = temp();
    const all = await fill(backend);
    // Every version is missing but one, corrupt, of the crate scanned last (the greatest path).
    const last = [...all]
      .sort((a, b) => (indexPath(a.name) < indexPath(b.name) ? -1 : 1))
      .at(-1) as SimCrate;
    for (const c of all) if (c !== last) await overwrite(backend.store, c, undefined);
    await overwrite(backend.store, last, Buffer.from('not a crate'));
    const summary = await verify(backend, meta, { firstN: 2 });
    expect(summary).toMatchObject({ missing: all.length - 1, corrupt: 1 });
    expect(summary.first.missing).toHaveLength(2);
    expect(summary.first.corrupt).toHaveLength(1);
  });
});

describe('runVerify stalled reads', () => {
  it('drops a read that stops delivering bytes, counts it unreadable, and finishes', async () => {
    const backend = await fsBackend();
    const meta = temp();
    const all = await fill(backend);
    const [stalled, headless] = all as [SimCrate, SimCrate];
    let released = 0;
    // A store whose GET of one object sends its first bytes, then nothing (a stalled S3 body), and
    // of another never answers at all (no headers).
    const store = new Proxy(backend.store, {
      get(target, prop, receiver) {
        if (prop === 'get')
          return async (ref: CrateRefInput) => {
            const key = crateKey(ref);
            if (key === crateKey(headless)) return new Promise<never>(() => undefined);
            const body = await target.get(ref);
            if (key !== crateKey(stalled) || !body) return body;
            const hanging = (async function* () {
              for await (const chunk of body) {
                yield chunk.subarray(0, 10);
                await new Promise<never>(() => undefined);
              }
            })();
            // As an SDK body (an IncomingMessage) is: dropping it destroys it.
            return Object.assign(hanging, { destroy: () => void released++ });
          };
        const value = Reflect.get(target, prop, receiver) as unknown;
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
    const summary = await verify({ store, stop: backend.stop }, meta, {
      readIdleMs: 200,
      hashThreads: 0,
    });
    expect(summary).toMatchObject({ status: 'problems', complete: true, unreadable: 2 });
    expect(summary.ok).toBe(all.length - 2);
    expect(summary.first.unreadable.map((f) => `${f.name}@${f.version}`).sort()).toEqual(
      [stalled, headless].map((c) => `${c.name}@${c.version}`).sort(),
    );
    expect(summary.first.unreadable[0]?.reason).toContain('no bytes from the store for 200 ms');
    expect(released).toBe(1);
  });
});

describe('runVerify repair that fails', () => {
  it('leaves the damaged object in place and puts it on the retry list, marked damaged', async () => {
    const backend = await fsBackend();
    const meta = temp();
    const all = await fill(backend);
    const victim = all[2] as SimCrate;
    const bad = Buffer.from(victim.bytes.subarray(0, 10));
    await overwrite(backend.store, victim, bad);
    sim.fault(`${victim.name}@${victim.version}`, { kind: 'status', status: 500 });
    try {
      const summary = await verify(backend, meta, { doRepair: true });
      expect(summary).toMatchObject({
        status: 'problems',
        corrupt: 1,
        repaired: 0,
        repair_failed: 1,
      });
      expect(await bytesOf(backend.store, victim)).toEqual(bad);
      const retry = await new SyncStateStore({
        metadata: new FileMetadataStore(meta),
        objects: backend.store,
      }).failures();
      expect(retry).toEqual([
        expect.objectContaining({ name: victim.name, version: victim.version, damaged: true }),
      ]);
    } finally {
      sim.clearFaults();
    }
  });
});
