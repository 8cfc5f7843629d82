/**
 * A full disk never leaves a short file under a final key. As root (CI, the dev machines) the real
 * store writes to a small tmpfs this file mounts, filled to several points of a put; where mounting
 * is not permitted, the same puts run through a write path that fails like a full disk, and the
 * test says so.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrateToStore } from '../crate-key.js';
import { FsCrateStore } from './fs-crate-store.js';
import { SpooledBody } from '../s3/spooled-body.js';
import { all, crateWithBody, tempDir } from '../test-support/crates.js';
import { writeVerifiedFile } from './verified-file.js';
import { writeAllSync, type WritevSync } from '../io/write-all.js';

/** The size of the crate the fault campaign saw truncated (cxx-build@1.0.87). */
const CRATE_BYTES = 83_370;
const PAGE = 4096;

/** Mounts a 1 MiB tmpfs at a new directory; `undefined` where mounting is not permitted. */
function mountTmpfs(): { dir: string; unmount: () => void } | undefined {
  const { dir, remove } = tempDir('lcs-full-disk-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'pipe' });
  } catch {
    remove();
    return undefined;
  }
  return {
    dir,
    unmount: () => {
      execFileSync('umount', [dir]);
      remove();
    },
  };
}

/** A write path that behaves as a disk with `free` bytes left: short writes, then ENOSPC. */
function fullDiskWritev(free: number): WritevSync {
  let left = free;
  return (_fd, chunks) => {
    if (left === 0)
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const wanted = chunks.reduce((n, c) => n + c.byteLength, 0);
    const n = Math.min(wanted, left);
    left -= n;
    // The real call writes that many bytes; the fake only counts them (the file stays short).
    return n;
  };
}

const disk = process.getuid?.() === 0 ? mountTmpfs() : undefined;
afterAll(() => disk?.unmount());

/** Leaves exactly `free` bytes (whole pages) free on the mounted disk. */
function fillTo(dir: string, free: number): void {
  const filler = join(dir, 'filler');
  rmSync(filler, { force: true });
  const stats = statfsSync(dir);
  const available = stats.bavail * stats.bsize;
  writeFileSync(filler, Buffer.alloc(available - free));
  const left = statfsSync(dir);
  expect(left.bavail * left.bsize).toBe(free);
}

/** Free space at which a put of {@link CRATE_BYTES} runs out: none, a page, most of it, all but a page. */
const FREE_POINTS = [0, PAGE, 10 * PAGE, Math.floor(CRATE_BYTES / PAGE) * PAGE];

describe(`a put on a full disk (${disk ? 'a real 1 MiB tmpfs' : 'tmpfs not mountable here: through a write path that fails like a full disk'})`, () => {
  beforeAll(() => {
    if (!disk)
      console.warn('full-disk.spec: mounting a tmpfs is not permitted; fault-injected writes used');
  });

  for (const free of FREE_POINTS) {
    it(`with ${free} bytes free fails STORE_FAILED and leaves no final key and no temporary file`, async () => {
      const { crate, body } = crateWithBody('cxx-build', '1.0.87', CRATE_BYTES);
      if (disk) {
        const root = join(disk.dir, 'store');
        rmSync(root, { recursive: true, force: true });
        const store = new FsCrateStore(root);
        // The directories exist before the disk fills (their inodes are not what runs out).
        mkdirSync(join(root, 'crates', 'cxx-build'), { recursive: true });
        mkdirSync(join(root, '.tmp'));
        fillTo(disk.dir, free);
        await expect(store.put(crate, body)).rejects.toMatchObject({ code: 'STORE_FAILED' });
        expect(await store.has(crate)).toBe(false);
        expect(readdirSync(join(root, 'crates', 'cxx-build'))).toEqual([]);
        expect(readdirSync(join(root, '.tmp'))).toEqual([]);
        expect(await all(store.list())).toEqual([]);
        // Room again: the same put stores the whole crate.
        rmSync(join(disk.dir, 'filler'));
        expect(await store.put(crate, body)).toMatchObject({
          outcome: 'stored',
          bytes: body.length,
        });
        expect(readFileSync(join(root, 'crates', 'cxx-build', 'cxx-build-1.0.87.crate'))).toEqual(
          body,
        );
      } else {
        await expectInjectedFailure(crate, body, free);
      }
    });
  }

  it('a spool file on a full disk fails the add, never a short body sent later', async () => {
    const { body } = crateWithBody('spooled', '1.0.0', CRATE_BYTES);
    if (!disk) return expectSpoolInjected(body);
    fillTo(disk.dir, 10 * PAGE);
    const spool = new SpooledBody(0, join(disk.dir, 'spool'));
    try {
      await expect(spool.add(body)).rejects.toMatchObject({ code: 'STORE_FAILED' });
    } finally {
      await spool.dispose();
      rmSync(join(disk.dir, 'filler'), { force: true });
    }
    expect(readdirSync(join(disk.dir, 'spool'))).toEqual([]);
  });
});

/**
 * Puts `body` through the store's write path with `writev` in place of the system call, in a fresh
 * directory; resolves to the rejection (or `undefined`) and the temporary files left behind.
 */
async function putThrough(
  crate: CrateToStore,
  body: Buffer,
  writev: WritevSync,
): Promise<{ error: unknown; leftovers: string[] }> {
  const { dir, remove } = tempDir();
  try {
    const final = join(dir, 'crates', crate.name, `${crate.name}-${crate.version}.crate`);
    const error = await writeVerifiedFile(final, crate, body, {
      maxBytes: 1 << 30,
      replace: false,
      knownDirs: new Set(),
      tempDir: join(dir, '.tmp'),
      writev,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    return { error, leftovers: readdirSync(join(dir, '.tmp')) };
  } finally {
    remove();
  }
}

async function expectInjectedFailure(crate: CrateToStore, body: Buffer, free: number) {
  const { error, leftovers } = await putThrough(crate, body, fullDiskWritev(free));
  expect(error).toMatchObject({ code: 'STORE_FAILED' });
  expect(leftovers).toEqual([]);
}

async function expectSpoolInjected(body: Buffer) {
  // Without a small disk the spool's loop is shown on the same fake: the short count is not taken
  // for the whole chunk.
  expect(() => writeAllSync(0, [body], fullDiskWritev(10 * PAGE))).toThrow(/ENOSPC/);
}

describe('the size check before the link', () => {
  it('refuses a file whose size on disk is not the verified length, whatever writev said', async () => {
    const { crate, body } = crateWithBody('lied', '1.0.0', CRATE_BYTES);
    // A write path that reports every byte written and writes none (a filesystem that lies).
    const lying: WritevSync = (_fd, chunks) => chunks.reduce((n, c) => n + c.byteLength, 0);
    const { error, leftovers } = await putThrough(crate, body, lying);
    expect(error).toMatchObject({ code: 'STORE_FAILED' });
    expect((error as Error).message).toMatch(/holds 0 bytes after fdatasync, 83370 were verified/);
    expect(leftovers).toEqual([]);
  });
});

describe('writeAllSync', () => {
  it('loops on short writes until every byte of every chunk is written, in order', () => {
    const out: number[] = [];
    const chunks = [
      Buffer.from([1, 2, 3]),
      Buffer.alloc(0),
      Buffer.from([4, 5, 6, 7]),
      Buffer.from([8]),
    ];
    // At most 2 bytes per call, as a disk near full or a signal can make writev do.
    const writev: WritevSync = (_fd, parts) => {
      const flat = Buffer.concat(parts).subarray(0, 2);
      out.push(...flat);
      return flat.byteLength;
    };
    expect(writeAllSync(0, chunks, writev)).toBe(8);
    expect(out).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('fails when a call writes nothing, naming how far it got', () => {
    let calls = 0;
    const writev: WritevSync = () => (calls++ === 0 ? 3 : 0);
    expect(() => writeAllSync(0, [Buffer.alloc(10)], writev)).toThrow(
      /wrote 0 bytes after 3 of 10/,
    );
  });
});
