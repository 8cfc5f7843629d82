/**
 * The archives in test-fixtures/crates, written by tools/generate-hostile-crates.py with Python's
 * tarfile (independent of tar-stream), each with the answer expected.json gives for it.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCrateArchive } from './crate-archive.js';
import { CrateArchiveError } from './errors.js';

const DIR = resolve(import.meta.dirname, '../../../test-fixtures/crates');
const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Record<
  string,
  { code: string | null; options: { maxUnpackSize?: number } }
>;

describe('crafted .crate fixtures', () => {
  it('cover every refusal code', () => {
    expect(new Set(Object.values(expected).map((e) => e.code))).toEqual(
      new Set([
        null,
        'CRATE_PATH_OUTSIDE_ROOT',
        'CRATE_ENTRY_TYPE',
        'CRATE_NO_MANIFEST',
        'CRATE_CORRUPT',
        'CRATE_GZIP_BOMB',
        'CRATE_MANIFEST_TOO_LARGE',
      ]),
    );
  });

  it.each(Object.entries(expected))('%s', async (file, { code, options }) => {
    const result = await readCrateArchive(readFileSync(join(DIR, file)), {
      name: 'demo',
      version: '1.0.0',
      ...options,
    }).catch((e: unknown) => e);
    if (code === null) {
      expect(result).not.toBeInstanceOf(Error);
      expect((result as { manifest: string }).manifest).toContain('name = "demo"');
    } else {
      expect(result).toBeInstanceOf(CrateArchiveError);
      expect((result as CrateArchiveError).code).toBe(code);
    }
  });
});
