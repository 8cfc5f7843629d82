/**
 * Sharded syncs at the library level: three shards, each with its own cursor, retry list and lock,
 * run at once into one store. Their union is the registry, no version is downloaded twice, each
 * shard then follows the index incrementally with its own crates only, and an unsharded run
 * afterwards finds everything stored.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileMetadataStore, FsCrateStore, type StoredCrate } from '@lcs/crate-store';
import { GitIndexSource } from '@lcs/index-reader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startRegistrySimulator,
  type RegistrySimulator,
} from '../../../../tools/test-servers/index.mjs';
import { Downloader } from '../download/downloader.js';
import { inShard, shardStateName, type Shard } from './index.js';
import { runSync } from '../sync/sync-run.js';
import { SyncStateStore } from '../sync/sync-state.js';

let sim: RegistrySimulator;
let dir: string;
beforeAll(async () => {
  sim = await startRegistrySimulator({ crates: 30, versionsPerCrate: 2 });
  dir = mkdtempSync(join(tmpdir(), 'lcs-shards-'));
});
afterAll(async () => {
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function sync(shard?: Shard) {
  const source = await GitIndexSource.open(sim.indexPath);
  const store = new FsCrateStore(join(dir, 'store'));
  const metadata = new FileMetadataStore(join(dir, 'meta'));
  const name = shardStateName('fetcher', shard);
  const lock = await metadata.acquireLock({ name });
  const downloader = new Downloader({ userAgent: 'test', maxAttempts: 1 });
  try {
    return await runSync({
      source,
      store,
      state: new SyncStateStore({ metadata, objects: store, namespace: name }),
      lock,
      downloader,
      concurrency: 2,
      ...(shard ? { shard } : {}),
    });
  } finally {
    downloader.close();
    await lock.release();
    await source.close();
  }
}

const downloadsOf = (from: number) => sim.downloads.slice(from).map((d) => d.id);

describe('sharded sync', () => {
  it('fills one store from three shards at once without overlap, then follows the index per shard', async () => {
    const shards: Shard[] = [0, 1, 2].map((index) => ({ index, count: 3 }));
    const first = await Promise.all(shards.map((shard) => sync(shard)));
    const ids = downloadsOf(0);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual([...sim.published.keys()].sort());
    expect(first.map((s) => s.shard)).toEqual(['0/3', '1/3', '2/3']);
    expect(first.every((s) => s.status === 'ok' && s.cursor_moved && s.mode === 'full')).toBe(true);
    // Each shard read only its own crate files.
    expect(first.reduce((n, s) => n + s.scanned_crates, 0)).toBe(30);
    for (const s of first) expect(s.scanned_crates).toBeLessThan(30);

    const before = sim.downloads.length;
    const added = ['zeta-one', 'zeta-two', 'zeta-three', 'zeta-four', 'zeta-five'];
    for (const name of added) await sim.publish(name, '1.0.0', { commit: false });
    sim.commit('five new crates');
    const next = await Promise.all(shards.map((shard) => sync(shard)));
    expect(next.every((s) => s.mode === 'incremental' && s.status === 'ok')).toBe(true);
    shards.forEach((shard, i) => {
      const mine = added.filter((name) => inShard(name, shard));
      expect(next[i]?.downloaded, `shard ${i}`).toBe(mine.length);
    });
    expect(downloadsOf(before).sort()).toEqual(added.map((n) => `${n}@1.0.0`).sort());

    // An unsharded run has its own (absent) cursor: a full plan against the store, nothing to do.
    const whole = await sync();
    expect(whole).toMatchObject({ shard: null, mode: 'full', downloaded: 0, status: 'ok' });
    expect(whole.scanned_crates).toBe(35);
    const stored: string[] = [];
    const store = new FsCrateStore(join(dir, 'store'));
    for await (const c of store.list() as AsyncIterable<StoredCrate>) stored.push(c.key);
    expect(stored).toHaveLength(sim.published.size);
  });
});
