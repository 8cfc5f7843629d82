/** Atomicity of the filesystem store under a real crash: a writer killed mid-body leaves no final key. */
import { spawn } from 'node:child_process';
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FsCrateStore, STALE_TEMP_MS } from './fs-crate-store.js';
import { all, chunked, crateWithBody, tempDir } from '../test-support/crates.js';

const DIST = resolve(import.meta.dirname, '../../dist/index.js');
const cleanup: Array<() => void> = [];
afterEach(() => cleanup.splice(0).forEach((f) => f()));

// The child streams half of a body into the store, says so, and then waits forever.
const WRITER = `
const { FsCrateStore } = await import(process.argv[1]);
const [root, cksum] = process.argv.slice(2);
const store = new FsCrateStore(root);
async function* body() {
  yield Buffer.alloc(64 * 1024, 1);
  process.stdout.write('writing\\n');
  await new Promise(() => {});
}
await store.put({ name: 'killed', version: '1.0.0', cksum }, body());
`;

describe('FsCrateStore crash safety', () => {
  it('a process killed mid-write leaves no final key, and a rerun stores the crate', async () => {
    const { dir, remove } = tempDir();
    cleanup.push(remove);
    const { crate, body } = crateWithBody('killed', '1.0.0', 128 * 1024);
    const child = spawn(
      process.execPath,
      ['--input-type=module', '-e', WRITER, DIST, dir, crate.cksum],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    await new Promise<void>((res, rej) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('writing') && res());
      child.once('exit', (code) => rej(new Error(`writer exited early with ${code}`)));
    });
    const tmp = join(dir, '.tmp');
    expect(readdirSync(tmp).some((f) => f.endsWith('.tmp'))).toBe(true);
    child.kill('SIGKILL');
    await new Promise((res) => child.once('exit', res));

    const store = new FsCrateStore(dir);
    expect(await store.has(crate)).toBe(false);
    expect(await all(store.list())).toEqual([]);
    // The killed writer's file names its owner, a process of this host that is gone: swept at once,
    // while a live writer's file (this process's) is kept.
    const live = new FsCrateStore(dir);
    const { crate: other } = crateWithBody('alive', '1.0.0', 1024);
    const pending = live.put(other, chunked(Buffer.alloc(1024), 256, undefined, 200));
    await new Promise((r) => setTimeout(r, 50));
    expect(await store.sweepTemporary({ olderThanMs: 3_600_000 })).toEqual({ removed: 1, kept: 1 });
    await expect(pending).rejects.toMatchObject({ code: 'CHECKSUM_MISMATCH' });
    expect(readdirSync(tmp)).toEqual([]);
    expect(await store.put(crate, body)).toMatchObject({ outcome: 'stored', bytes: body.length });
    expect((await all(store.list())).map((c) => c.key)).toEqual([
      'crates/killed/killed-1.0.0.crate',
    ]);
  });

  it('a temporary file of another host is swept only once it is older than asked', async () => {
    const { dir, remove } = tempDir();
    cleanup.push(remove);
    mkdirSync(join(dir, '.tmp'));
    const other = join(dir, '.tmp', 'x-1.0.0.other-pod-7f9c.1.0123abcd.1.tmp');
    writeFileSync(other, 'partial');
    const store = new FsCrateStore(dir);
    expect(await store.sweepTemporary({ olderThanMs: 60_000 })).toEqual({ removed: 0, kept: 1 });
    const old = (Date.now() - 120_000) / 1000;
    utimesSync(other, old, old);
    expect(await store.sweepTemporary({ olderThanMs: 60_000 })).toEqual({ removed: 1, kept: 0 });
  });

  it('a listing removes a stale temporary file an older release left in a crate directory', async () => {
    const { dir, remove } = tempDir();
    cleanup.push(remove);
    const crateDir = join(dir, 'crates', 'old');
    mkdirSync(crateDir, { recursive: true });
    writeFileSync(join(crateDir, '.old-1.0.0.123-abcd-1.tmp'), 'partial');
    const old = (Date.now() - STALE_TEMP_MS - 60_000) / 1000;
    utimesSync(join(crateDir, '.old-1.0.0.123-abcd-1.tmp'), old, old);
    await all(new FsCrateStore(dir).list());
    expect(readdirSync(crateDir)).toEqual([]);
  });

  it('a listing keeps a temporary file that is still being written', async () => {
    const { dir, remove } = tempDir();
    cleanup.push(remove);
    mkdirSync(join(dir, 'crates', 'busy'), { recursive: true });
    writeFileSync(join(dir, 'crates', 'busy', '.busy-1.0.0.abc.tmp'), 'in progress');
    await all(new FsCrateStore(dir).list());
    expect(readdirSync(join(dir, 'crates', 'busy'))).toEqual(['.busy-1.0.0.abc.tmp']);
  });

  it('a key whose path cannot exist is absent, and its put fails without writing', async () => {
    const { dir, remove } = tempDir();
    cleanup.push(remove);
    // A file where the store's crates directory should be: every lookup under it is ENOTDIR,
    // which Node 20 throws and Node 22 and later answer as "no entry"; both mean absent here.
    writeFileSync(join(dir, 'crates'), 'not a directory');
    const store = new FsCrateStore(dir);
    const { crate, body } = crateWithBody('blocked', '1.0.0', 1024);
    expect(await store.has(crate)).toBe(false);
    const failure = await store.put(crate, body).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'STORE_FAILED' });
    expect((failure as { input: string }).input).toContain(join(dir, 'crates', 'blocked'));
    expect(readFileSync(join(dir, 'crates'), 'utf8')).toBe('not a directory');
  });

  it('a key that cannot be looked up is a store failure naming the path, not "absent"', async () => {
    const { dir, remove } = tempDir();
    cleanup.push(remove);
    // The crate's directory is a symbolic link to itself: the lookup fails with ELOOP.
    mkdirSync(join(dir, 'crates'));
    symlinkSync('blocked', join(dir, 'crates', 'blocked'));
    const store = new FsCrateStore(dir);
    const { crate, body } = crateWithBody('blocked', '1.0.0', 1024);
    const failure = {
      code: 'STORE_FAILED',
      input: join(dir, 'crates', 'blocked', 'blocked-1.0.0.crate'),
    };
    await expect(store.has(crate)).rejects.toMatchObject(failure);
    await expect(store.put(crate, body)).rejects.toMatchObject(failure);
  });
});
