import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileMetadataStore, FsCrateStore } from '@lcs/crate-store';
import { MirrorError } from '../errors.js';
import { SyncStateStore, type FailedVersion } from './sync-state.js';

function tempDir(prefix = 'lcs-state-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const removers: Array<() => void> = [];
afterAll(() => removers.forEach((r) => r()));

function setup(inlineLimitBytes?: number) {
  const meta = tempDir('lcs-state-');
  const objects = tempDir('lcs-objects-');
  removers.push(meta.remove, objects.remove);
  const metadata = new FileMetadataStore(meta.dir);
  const store = new FsCrateStore(objects.dir);
  return {
    metadata,
    store,
    state: new SyncStateStore({ metadata, objects: store, inlineLimitBytes, keepRuns: 3 }),
  };
}

function failure(i: number): FailedVersion {
  return {
    name: `crate${i}`,
    version: '1.0.0',
    cksum: 'a'.repeat(64),
    code: 'DOWNLOAD_HTTP_STATUS',
    reason: 'HTTP 503',
    attempts: 1,
    firstFailedAt: '2026-11-23T00:00:00.000Z',
    lastFailedAt: '2026-11-23T00:00:00.000Z',
  };
}

const CURSOR = {
  commit: 'c'.repeat(40),
  committedAt: '2019-11-10T00:00:00Z',
  syncedAt: '2026-11-23T00:00:00Z',
};

describe('SyncStateStore', () => {
  it('starts empty, then returns the cursor and retry list it saved', async () => {
    const { state } = setup();
    expect(await state.cursor()).toBeUndefined();
    expect(await state.failures()).toEqual([]);
    await state.saveProgress({ failures: [failure(1)], cursor: CURSOR });
    expect(await state.cursor()).toEqual(CURSOR);
    expect(await state.failures()).toEqual([failure(1)]);
  });

  it('moves a large retry list into the crate store and keeps a verified pointer in metadata', async () => {
    const { state, metadata, store } = setup(1024);
    const many = Array.from({ length: 500 }, (_, i) => failure(i));
    await state.saveProgress({ failures: many });
    const pointer = JSON.parse((await metadata.get('fetcher/failures')) ?? '{}') as {
      object: string;
      count: number;
    };
    expect(pointer.count).toBe(500);
    expect(pointer.object).toMatch(/^_lcs\/fetcher\/failures-[0-9a-f]{16}\.json$/);
    expect(await store.readObject(pointer.object)).toBeDefined();
    expect(await state.failures()).toEqual(many);
    // A damaged object is reported, not read as an empty list.
    await store.writeObject(pointer.object, Buffer.from('[]'));
    await expect(state.failures()).rejects.toMatchObject({ code: 'SYNC_STATE_CORRUPT' });
  });

  it('does not move the cursor when recording the failures failed', async () => {
    const { state, metadata } = setup();
    await state.saveProgress({ failures: [], cursor: CURSOR });
    const broken = { ...failure(1), attempts: 0 };
    await expect(
      state.saveProgress({ failures: [broken], cursor: { ...CURSOR, commit: 'd'.repeat(40) } }),
    ).rejects.toThrow();
    expect((await state.cursor())?.commit).toBe(CURSOR.commit);
    expect(await metadata.get('fetcher/failures')).toBe('{"items":[]}');
  });

  it('reports a corrupt stored value with SYNC_STATE_CORRUPT naming the key', async () => {
    const { state, metadata } = setup();
    await metadata.put('fetcher/cursor', '{"commit": 42}');
    const error = await state.cursor().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MirrorError);
    expect((error as MirrorError).input).toBe('fetcher/cursor');
    expect((error as MirrorError).code).toBe('SYNC_STATE_CORRUPT');
  });

  it('keeps the newest run summaries with their extra counters', async () => {
    const { state } = setup();
    for (let i = 0; i < 5; i++) {
      await state.recordRun({
        startedAt: `t${i}`,
        finishedAt: `t${i}`,
        status: 'ok',
        downloaded: i,
      });
    }
    const runs = await state.runs();
    expect(runs.map((r) => r['downloaded'])).toEqual([2, 3, 4]);
  });
});
