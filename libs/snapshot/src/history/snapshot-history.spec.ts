import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileMetadataStore, FsCrateStore } from '@lcs/crate-store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SnapshotError } from '../errors.js';
import { SnapshotHistory, type SnapshotRecord } from './snapshot-history.js';

let dir: string;
let metadata: FileMetadataStore;
let store: FsCrateStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lcs-history-'));
  metadata = new FileMetadataStore(join(dir, 'meta'));
  store = new FsCrateStore(join(dir, 'store'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const HOUR = 3_600_000;
const start = Date.parse('2026-01-01T00:00:00Z');
const record = (i: number, at = start + i * HOUR, missing = 0): SnapshotRecord => ({
  commit: i.toString(16).padStart(40, '0'),
  committedAt: new Date(at - 60_000).toISOString(),
  mirroredAt: new Date(at).toISOString(),
  missing,
});
const all = async (history: SnapshotHistory) => {
  const out: SnapshotRecord[] = [];
  for await (const r of history.records()) out.push(r);
  return out;
};

describe('SnapshotHistory', () => {
  it('answers latest, a commit, and the newest commit at or before a time', async () => {
    const history = new SnapshotHistory({ metadata, objects: store });
    expect(await history.latest()).toBeUndefined();
    for (const i of [1, 2, 3]) await history.record(record(i));
    expect((await history.latest())?.commit).toBe(record(3).commit);
    expect((await history.at(new Date(start + 2.5 * HOUR)))?.commit).toBe(record(2).commit);
    expect(await history.at(new Date(start))).toBeUndefined();
    expect((await history.find(record(1).commit))?.mirroredAt).toBe(record(1).mirroredAt);
    expect((await all(history)).map((r) => r.commit)).toEqual(
      [3, 2, 1].map((i) => record(i).commit),
    );
  });

  it('records the same commit once, updating what is missing and keeping its first mirror time', async () => {
    const history = new SnapshotHistory({ metadata, objects: store });
    await history.record(record(1, start, 4));
    await history.record({ ...record(1, start + HOUR), missing: 0 });
    expect(await all(history)).toEqual([{ ...record(1, start), missing: 0 }]);
  });

  it('stays bounded: after a year of daily records and a week of syncs every 10 minutes, the week is whole, a day before it is one record, and the metadata value stays under its limit', async () => {
    const history = new SnapshotHistory({
      metadata,
      objects: store,
      keepAllDays: 7,
      inlineLimitBytes: 16 * 1024,
    });
    const every = 10 * 60_000;
    // Recording 52,560 syncs one by one takes minutes; the same history, fed day by day, is thinned the same way.
    for (let day = 0; day < 365; day++)
      await history.record(record(day * 1000 + 999, start + day * 86_400_000 + 23 * HOUR));
    for (let i = 0; i < 7 * 144; i++)
      await history.record(record(400_000 + i, start + 365 * 86_400_000 + i * every));
    const records = await all(history);
    expect(records.length).toBeLessThan(365 + 7 * 144 + 1);
    expect(records.length).toBeGreaterThan(358 + 7 * 144 - 1);
    expect(records[0]?.commit).toBe(record(400_000 + 7 * 144 - 1).commit);
    // Newest first, without a gap or a repeat.
    const times = records.map((r) => Date.parse(r.mirroredAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(new Set(records.map((r) => r.commit)).size).toBe(records.length);
    // The metadata value stays small: the older part went to an archive object.
    const value = (await metadata.get('fetcher/snapshots')) ?? '';
    expect(Buffer.byteLength(value)).toBeLessThanOrEqual(16 * 1024 + 200);
    expect(JSON.parse(value)).toHaveProperty('archive.object');
  }, 120_000);

  it('thins records older than the window to the last of each UTC day', async () => {
    const history = new SnapshotHistory({ metadata, objects: store, keepAllDays: 1 });
    for (const h of [1, 5, 9, 30, 34]) await history.record(record(h, start + h * HOUR));
    await history.record(record(100, start + 100 * HOUR));
    expect((await all(history)).map((r) => r.commit)).toEqual(
      [100, 34, 9].map((i) => record(i).commit),
    );
  });

  it('refuses a damaged value or archive with SNAPSHOT_HISTORY_CORRUPT naming it', async () => {
    const history = new SnapshotHistory({ metadata, objects: store, inlineLimitBytes: 300 });
    for (const i of [1, 2, 3, 4]) await history.record(record(i));
    const { archive } = JSON.parse((await metadata.get('fetcher/snapshots')) ?? '{}') as {
      archive: { object: string };
    };
    writeFileSync(join(dir, 'store', archive.object), '[]');
    const error = await all(history).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnapshotError);
    expect(error).toMatchObject({ code: 'SNAPSHOT_HISTORY_CORRUPT', input: archive.object });
    await metadata.put('fetcher/snapshots', '{"recent": 3}');
    await expect(history.latest()).rejects.toMatchObject({
      code: 'SNAPSHOT_HISTORY_CORRUPT',
      input: 'fetcher/snapshots',
    });
  });
});
