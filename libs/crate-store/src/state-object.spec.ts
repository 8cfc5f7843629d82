import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FsCrateStore } from './fs/fs-crate-store.js';
import { readStateJson, writeStateJson } from './state-object.js';

const dir = mkdtempSync(join(tmpdir(), 'lcs-state-object-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('state JSON in the crate store', () => {
  it('is written by its content and read back only while its digest holds', async () => {
    const store = new FsCrateStore(dir);
    const ref = await writeStateJson(store, 'fetcher/failures', '[1,2,3]');
    expect(ref.object).toMatch(/^_lcs\/fetcher\/failures-[0-9a-f]{16}\.json$/);
    expect(ref.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await readStateJson(store, ref)).toEqual({ text: '[1,2,3]' });
    // Other content is another object: the first stays readable.
    const other = await writeStateJson(store, 'fetcher/failures', '[4]');
    expect(other.object).not.toBe(ref.object);
    expect(await readStateJson(store, ref)).toEqual({ text: '[1,2,3]' });

    writeFileSync(join(dir, ref.object), '[1,2,4]');
    expect(await readStateJson(store, ref)).toEqual({ problem: 'damaged' });
    expect(await readStateJson(store, { ...ref, object: '_lcs/fetcher/none.json' })).toEqual({
      problem: 'missing',
    });
  });
});
