/**
 * End-to-end: the real `lcs-fetcher verify` after a real sync into the embedded filesystem store,
 * as the issue tried it: flipped bytes and a truncated object that `sync --full` cannot see, found
 * by name, repaired, quarantined; a stopped scrub resumes; the lock and bad input exit 3 and 2.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileMetadataStore } from '@lcs/crate-store';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startRegistrySimulator,
  type RegistrySimulator,
} from '../../../tools/test-servers/index.mjs';
import { run, start, until } from './test-support/cli.js';

let sim: RegistrySimulator;
let cwd: string;
const dirs: string[] = [];
beforeEach(async () => {
  sim = await startRegistrySimulator({ crates: 12, versionsPerCrate: 2 });
  cwd = mkdtempSync(join(tmpdir(), 'lcs-verify-e2e-'));
  dirs.push(cwd);
});
afterEach(async () => {
  await sim.stop();
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const cli = (...args: string[]) => run([...args, '--index', sim.indexPath, '--json'], { cwd });
const path = (name: string) => join(cwd, '.lcs/store/crates', name, `${name}-0.1.0.crate`);
const original = (name: string) => sim.published.get(`${name}@0.1.0`)?.bytes ?? Buffer.alloc(0);

describe('lcs-fetcher verify (end to end)', () => {
  it('finds what sync --full cannot see, repairs it with a quarantine, and is clean after', async () => {
    expect((await cli('sync', '--contact', 'e2e@example.com')).code).toBe(0);
    const [a = '', b = '', c = '', d = ''] = sim.names;
    for (const name of [a, b, c]) {
      const flipped = Buffer.from(original(name));
      flipped[20] = (flipped[20] ?? 0) ^ 0x10;
      writeFileSync(path(name), flipped);
    }
    writeFileSync(path(d), original(d).subarray(0, 64));
    const full = await cli('sync', '--full');
    expect(full.summary).toMatchObject({ status: 'ok', downloaded: 0 });

    const found = await cli('verify');
    expect(found.code, found.stderr).toBe(1);
    expect(found.summary).toMatchObject({ status: 'problems', corrupt: 4, missing: 0, ok: 20 });
    const first = found.summary?.['first'] as Record<
      string,
      Array<{ name: string; bytes: number }>
    >;
    expect(first['corrupt']?.map((f) => f.name).sort()).toEqual([a, b, c, d].sort());
    expect(first['corrupt']?.find((f) => f.name === d)?.bytes).toBe(64);

    const status = await run(['status', '--json'], { cwd });
    expect(status.summary?.['verify']).toMatchObject({
      last: { counts: { corrupt: 4, checked: 24 } },
      in_progress: null,
    });

    const repaired = await cli('verify', '--repair', '--contact', 'e2e@example.com');
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(repaired.summary).toMatchObject({ status: 'clean', corrupt: 4, repaired: 4 });
    for (const name of [a, b, c, d]) expect(readFileSync(path(name))).toEqual(original(name));
    const kept = (repaired.summary?.['first'] as Record<string, Array<{ quarantine: string }>>)[
      'corrupt'
    ]?.map((f) => readFileSync(join(cwd, '.lcs/store', f.quarantine)));
    expect(kept?.map((k) => k.length).sort()).toContain(64);

    const again = await cli('verify');
    expect(again.code).toBe(0);
    expect(again.summary).toMatchObject({ status: 'clean', ok: 24, corrupt: 0 });
  });

  it('stopped by SIGTERM exits 143 with its cursor saved, and the next run finishes the scrub', async () => {
    expect((await cli('sync')).code).toBe(0);
    const bytes = [...sim.published.values()].reduce((n, c) => n + c.bytes.length, 0);
    // About four seconds of reading at this ceiling (after a one-second burst).
    const ceiling = String(Math.ceil(bytes / 5));
    const slow = start(
      ['verify', '--index', sim.indexPath, '--json', '--max-bytes-per-second', ceiling],
      { cwd },
    );
    await until(() => slow.logsSoFar().some((l) => String(l['msg']).includes('objects in scope')));
    await new Promise((r) => setTimeout(r, 1500));
    slow.child.kill('SIGTERM');
    const stopped = await slow.done;
    expect(stopped.code, stopped.stderr).toBe(143);
    expect(stopped.summary).toMatchObject({ status: 'interrupted', complete: false });
    const checkedBefore = Number(stopped.summary?.['checked']);
    expect(checkedBefore).toBeLessThan(24);
    const status = await run(['status', '--json'], { cwd });
    expect(status.summary?.['verify']).toMatchObject({ last: null });
    const rest = await cli('verify');
    expect(rest.code, rest.stderr).toBe(0);
    expect(rest.summary).toMatchObject({ status: 'clean', resumed: true, checked: 24 });
  });

  it('exits 3 while another scrub holds its lock, and 2 on a sample that is not a fraction', async () => {
    const lock = await new FileMetadataStore(join(cwd, '.lcs/metadata')).acquireLock({
      name: 'fetcher-verify',
      owner: 'the other scrub',
      ttlSeconds: 30,
    });
    const refused = await cli('verify');
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('the other scrub');
    await lock.release();
    const bad = await cli('verify', '--sample', '1.5');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--sample');
  });
});
