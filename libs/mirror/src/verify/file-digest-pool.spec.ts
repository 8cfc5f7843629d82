/**
 * The hashing threads give the same digest as hashing on this thread, say "absent" for a file that
 * is not there, fail a file they cannot read with the store's error, and refuse work once closed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreFailedError } from '@lcs/crate-store';
import { afterAll, describe, expect, it } from 'vitest';
import { FileDigestPool } from './file-digest-pool.js';

const dir = mkdtempSync(join(tmpdir(), 'lcs-digest-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('FileDigestPool', () => {
  it('hashes files in workers exactly as this thread does, at any size, many at once', async () => {
    const pool = new FileDigestPool(2);
    try {
      // Empty, one byte, across the 1 MiB read buffer, and a few MiB.
      const sizes = [0, 1, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 7];
      const files = sizes.map((size, i) => {
        const bytes = randomBytes(size);
        const path = join(dir, `f${i}`);
        writeFileSync(path, bytes);
        return { path, size, sha256: createHash('sha256').update(bytes).digest('hex') };
      });
      const digests = await Promise.all(files.map((f) => pool.digest(f.path)));
      expect(digests).toEqual(files.map((f) => ({ sha256: f.sha256, bytes: f.size })));
    } finally {
      await pool.close();
    }
  });

  it('answers absent for a missing file, and fails one it cannot read with StoreFailedError', async () => {
    const pool = new FileDigestPool(1);
    try {
      await expect(pool.digest(join(dir, 'no-such-file'))).resolves.toEqual({
        sha256: undefined,
        bytes: 0,
      });
      const folder = join(dir, 'a-directory');
      mkdirSync(folder);
      const error = await pool.digest(folder).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreFailedError);
      expect((error as StoreFailedError).input).toBe(folder);
      expect(((error as Error).cause as { code?: unknown }).code).toBe('EISDIR');
      // The worker that failed a file keeps working.
      writeFileSync(join(dir, 'after'), 'x');
      await expect(pool.digest(join(dir, 'after'))).resolves.toMatchObject({ bytes: 1 });
    } finally {
      await pool.close();
    }
    await expect(pool.digest(join(dir, 'after'))).rejects.toThrow('closed');
  });
});
