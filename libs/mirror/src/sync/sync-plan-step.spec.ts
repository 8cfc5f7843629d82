/**
 * The plan step on its own: retries come first and each version once, a retry entry the index no
 * longer holds is dropped, an incremental plan reads only what moved since the cursor, and a
 * cursor the local index lacks falls back to a full comparison with the store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileMetadataStore, FsCrateStore } from '@lcs/crate-store';
import { GitIndexSource } from '@lcs/index-reader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startRegistrySimulator,
  type RegistrySimulator,
} from '../../../../tools/test-servers/index.mjs';
import { Downloader } from '../download/downloader.js';
import { planSync, type SyncWork } from './sync-plan-step.js';
import type { SyncEvent, SyncOptions } from './sync-run.js';
import { SyncStateStore, type FailedVersion } from './sync-state.js';

let sim: RegistrySimulator;
let dir: string;
beforeAll(async () => {
  sim = await startRegistrySimulator({ crates: 5, versionsPerCrate: 2 });
  dir = mkdtempSync(join(tmpdir(), 'lcs-plan-'));
});
afterAll(async () => {
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

const failure = (name: string, version: string, cksum: string): FailedVersion => ({
  name,
  version,
  cksum,
  code: 'DOWNLOAD_HTTP_STATUS',
  reason: 'HTTP 500',
  attempts: 1,
  firstFailedAt: '2026-01-01T00:00:00.000Z',
  lastFailedAt: '2026-01-01T00:00:00.000Z',
});

async function plan(state: SyncStateStore, extra: Partial<SyncOptions> = {}) {
  const source = await GitIndexSource.open(sim.indexPath);
  const metadata = new FileMetadataStore(join(dir, 'meta-lock'));
  const lock = await metadata.acquireLock();
  const events: SyncEvent[] = [];
  try {
    const step = await planSync(
      {
        source,
        store: new FsCrateStore(join(dir, 'store')),
        state,
        lock,
        downloader: new Downloader({ userAgent: 'test' }),
        ...extra,
      },
      (e) => void events.push(e),
    );
    const work: SyncWork[] = [];
    for await (const item of step.work) work.push(item);
    return { step, work, events };
  } finally {
    await lock.release();
    await source.close();
  }
}

describe('planSync', () => {
  it('puts retries first, each version once, and drops a retry the index no longer holds', async () => {
    const metadata = new FileMetadataStore(join(dir, 'meta-1'));
    const state = new SyncStateStore({ metadata, objects: new FsCrateStore(join(dir, 'objects')) });
    const [kept] = [...sim.published.values()];
    if (!kept) throw new Error('no crates');
    await state.saveProgress({
      failures: [
        failure(kept.name, kept.version, kept.cksum),
        failure(kept.name, '9.9.9', 'c'.repeat(64)),
      ],
    });
    const { step, work, events } = await plan(state);
    expect(step.report.mode).toBe('full');
    expect(work[0]).toMatchObject({
      name: kept.name,
      version: kept.version,
      retry: { attempts: 1 },
    });
    expect(work.map((w) => `${w.name}@${w.version}`).sort()).toEqual(
      [...sim.published.keys()].sort(),
    );
    expect(
      events.some(
        (e) =>
          e.type === 'log' &&
          e.message === `${kept.name}@9.9.9 left the retry list: no longer in the index`,
      ),
    ).toBe(true);
  });

  it('plans from the cursor when the index has its commit, and falls back to full when not', async () => {
    const metadata = new FileMetadataStore(join(dir, 'meta-2'));
    const state = new SyncStateStore({ metadata, objects: new FsCrateStore(join(dir, 'objects')) });
    const opened = await GitIndexSource.open(sim.indexPath);
    const head = opened.commit;
    await opened.close();
    await state.saveProgress({
      failures: [],
      cursor: { commit: head.oid, syncedAt: new Date().toISOString() },
    });
    const [name = ''] = sim.names;
    await sim.publish(name, '3.0.0');
    const incremental = await plan(state);
    expect(incremental.step.report.mode).toBe('incremental');
    expect(incremental.step.cursor?.commit).toBe(head.oid);
    expect(incremental.work.map((w) => `${w.name}@${w.version}`)).toEqual([`${name}@3.0.0`]);

    await state.saveProgress({
      failures: [],
      cursor: { commit: 'a'.repeat(40), syncedAt: new Date().toISOString() },
    });
    const fallback = await plan(state);
    expect(fallback.step.report.mode).toBe('full');
    expect(fallback.events.some((e) => e.type === 'log' && e.level === 'warn')).toBe(true);
    expect(fallback.work.length).toBe(sim.published.size);
  });
});
