/**
 * runSync against hostile indexes and a failing store, on the registry simulator: an index's dl
 * never reads local files, a store outage stops intake after a few failures in a row, and a
 * retry entry the index no longer holds is dropped before any download.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FileMetadataStore,
  FsCrateStore,
  StoreFailedError,
  type CrateStore,
} from '@lcs/crate-store';
import { GitIndexSource, indexPath } from '@lcs/index-reader';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startRegistrySimulator,
  type RegistrySimulator,
} from '../../../../tools/test-servers/index.mjs';
import { Downloader } from '../download/downloader.js';
import { MirrorError } from '../errors.js';
import { runSync, type SyncEvent, type SyncOptions } from './sync-run.js';
import { SyncStateStore } from './sync-state.js';

let sim: RegistrySimulator;
let dir: string;
const dirs: string[] = [];
beforeEach(async () => {
  sim = await startRegistrySimulator({ crates: 20, versionsPerCrate: 2 });
  dir = mkdtempSync(join(tmpdir(), 'lcs-sync-'));
  dirs.push(dir);
});
afterEach(() => sim.stop());
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function sync(
  options: Partial<SyncOptions> = {},
  store: CrateStore = new FsCrateStore(join(dir, 'store')),
) {
  const source = await GitIndexSource.open(sim.indexPath);
  const metadata = new FileMetadataStore(join(dir, 'meta'));
  const lock = await metadata.acquireLock();
  const events: SyncEvent[] = [];
  const downloader = new Downloader({ userAgent: 'test', maxAttempts: 1 });
  try {
    const summary = await runSync({
      source,
      store,
      state: new SyncStateStore({ metadata, objects: store }),
      lock,
      downloader,
      concurrency: 2,
      onEvent: (e) => void events.push(e),
      ...options,
    });
    return { summary, events };
  } finally {
    downloader.close();
    await lock.release();
    await source.close();
  }
}

describe('runSync safety', () => {
  it('refuses an index whose config.json dl is not http(s), reading no local file', async () => {
    writeFileSync(
      join(sim.indexPath, 'config.json'),
      JSON.stringify({ dl: 'file:///etc/{crate}' }),
    );
    sim.commit('hostile dl');
    const error = await sync().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MirrorError);
    expect(error).toMatchObject({ code: 'SYNC_DL_REFUSED', input: 'file:///etc/{crate}' });
    expect(sim.downloads).toHaveLength(0);
  });

  it('stops taking work after five store failures in a row and ends failed, cursor kept', async () => {
    const real = new FsCrateStore(join(dir, 'store'));
    let puts = 0;
    const down: CrateStore = {
      location: 'down://',
      has: (ref) => real.has(ref),
      get: (ref) => real.get(ref),
      put: async (crate, body) => {
        puts++;
        for await (const chunk of body as AsyncIterable<Uint8Array>) void chunk;
        throw new StoreFailedError(`down://${crate.name}`, 'PutObject');
      },
      delete: (ref) => real.delete(ref),
      list: () => real.list(),
      readObject: (key) => real.readObject(key),
      writeObject: (key, bytes) => real.writeObject(key, bytes),
    };
    const { summary, events } = await sync({}, down);
    expect(summary.status).toBe('failed');
    expect(summary.cursor_moved).toBe(false);
    // Five failures, plus at most what was already in flight (concurrency 2).
    expect(puts).toBeGreaterThanOrEqual(5);
    expect(puts).toBeLessThanOrEqual(6);
    expect(sim.downloads.length).toBe(puts);
    expect(summary.retry_list).toBe(puts);
    expect(events.some((e) => e.type === 'log' && e.level === 'error')).toBe(true);
    // The store is back: the next run does everything.
    const again = await sync();
    expect(again.summary).toMatchObject({ status: 'ok', downloaded: 40, retry_list: 0 });
  });

  it('drops a retry entry the index no longer holds before downloading it', async () => {
    const [a = ''] = sim.names;
    sim.fault(`${a}@0.1.0`, { kind: 'status', status: 500 });
    const first = await sync();
    expect(first.summary).toMatchObject({ status: 'partial', retry_list: 1 });
    // The registry deletes that version (the whole crate file, here).
    execFileSync('git', ['-C', sim.indexPath, 'rm', '-q', '--', indexPath(a)]);
    sim.commit('delete a crate');
    const before = sim.downloads.length;
    const second = await sync();
    expect(sim.downloads.slice(before).map((d) => d.id)).not.toContain(`${a}@0.1.0`);
    expect(second.summary).toMatchObject({ status: 'ok', failed: 0, retry_list: 0, retried: 0 });
    expect(
      second.events.some(
        (e) =>
          e.type === 'log' &&
          e.message === `${a}@0.1.0 left the retry list: no longer in the index`,
      ),
    ).toBe(true);
  });

  it('never plans a line placed in another crate file, nor one with a path-like name or version', async () => {
    const [a = ''] = sim.names;
    const real = sim.published.get(`${a}@0.1.0`);
    const line = (name: string, vers: string) =>
      JSON.stringify({ name, vers, deps: [], cksum: 'b'.repeat(64), features: {}, yanked: false });
    // A line claiming to be a@0.1.0 in another file, with another checksum; and path-like names.
    mkdirSync(join(sim.indexPath, '1'), { recursive: true });
    writeFileSync(
      join(sim.indexPath, '1', 'q'),
      [line(a, '0.1.0'), line('q', '../../x'), line('..', '1.0.0'), line('a/b', '1.0.0')].join(
        '\n',
      ),
    );
    sim.commit('hostile lines');
    const { summary } = await sync();
    expect(summary.malformed_lines).toBe(4);
    expect(summary).toMatchObject({ downloaded: 40, failed: 0, retry_list: 0 });
    expect(sim.downloads.map((d) => d.id).filter((id) => !sim.published.has(id))).toEqual([]);
    expect(await new FsCrateStore(join(dir, 'store')).has({ name: a, version: '0.1.0' })).toBe(
      true,
    );
    expect(real).toBeDefined();
  });
});

describe('runSync cursor and retry list', () => {
  const state = () =>
    new SyncStateStore({
      metadata: new FileMetadataStore(join(dir, 'meta')),
      objects: new FsCrateStore(join(dir, 'store')),
    });

  it('moves the cursor past a failure once it is recorded, and keeps the failure until it is stored', async () => {
    const [a = ''] = sim.names;
    sim.fault(`${a}@0.1.0`, { kind: 'status', status: 500 });
    const first = await sync();
    expect(first.summary).toMatchObject({ status: 'partial', cursor_moved: true, retry_list: 1 });
    const [failure] = await state().failures();
    expect(failure).toMatchObject({
      name: a,
      version: '0.1.0',
      attempts: 1,
      code: 'DOWNLOAD_HTTP_STATUS',
    });
    expect((await state().cursor())?.commit).toBe(first.summary.index_commit);

    // Failing again: still listed, attempts added, the first failure's time kept.
    const second = await sync();
    const [again] = await state().failures();
    expect(second.summary).toMatchObject({ retried: 0, failed: 1, retry_list: 1 });
    expect(again).toMatchObject({ attempts: 2, firstFailedAt: failure?.firstFailedAt });

    // Stored at last: it leaves the list.
    sim.clearFaults();
    const third = await sync();
    expect(third.summary).toMatchObject({ status: 'ok', retried: 1, retry_list: 0 });
    expect(await state().failures()).toEqual([]);
  });

  it('keeps the cursor while work is deferred, and moves it when the rest is done', async () => {
    const capped = await sync({ maxSessionCrates: 15 });
    expect(capped.summary).toMatchObject({ status: 'partial', deferred: 25, cursor_moved: false });
    expect(await state().cursor()).toBeUndefined();
    const rest = await sync();
    expect(rest.summary).toMatchObject({ status: 'ok', downloaded: 25, cursor_moved: true });
    expect((await state().cursor())?.commit).toBe(rest.summary.index_commit);
  });

  it('keeps the cursor and an untried retry entry as they were when a stop comes first', async () => {
    const [a = ''] = sim.names;
    sim.fault(`${a}@0.1.0`, { kind: 'status', status: 500 });
    await sync();
    const [before] = await state().failures();
    const cursor = await state().cursor();
    sim.clearFaults();
    await sim.publish('late', '1.0.0');
    const stop = new AbortController();
    stop.abort();
    const stopped = await sync({ signal: stop.signal });
    expect(stopped.summary).toMatchObject({
      status: 'interrupted',
      cursor_moved: false,
      downloaded: 0,
    });
    expect(await state().failures()).toEqual([before]);
    expect(await state().cursor()).toEqual(cursor);
  });
});
