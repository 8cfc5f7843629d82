/** The built package works outside the workspace: packed, installed from the tarball, type-checked, imported. */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const TOOL = resolve(import.meta.dirname, '../../../tools/pack-and-import.mjs');

describe('@lcs/cargo-manifest as a published package', () => {
  it('installs from its tarball, type-checks under nodenext and runs', () => {
    const consumer = `
import { readCrateArchive, CrateArchiveError, type CrateArchive } from '@lcs/cargo-manifest';
const result: CrateArchive | CrateArchiveError = await readCrateArchive(Buffer.from('not gzip'), { name: 'a', version: '1.0.0' }).catch((e: CrateArchiveError) => e);
console.log(result instanceof CrateArchiveError ? result.code : 'read');
`;
    const { files, output, problems } = JSON.parse(
      execFileSync(process.execPath, [TOOL, resolve(import.meta.dirname, '..')], {
        input: consumer,
        encoding: 'utf8',
      }),
    ) as { files: string[]; output: string; problems: string[] };
    expect(output.trim()).toBe('CRATE_CORRUPT');
    // README and LICENSE shipped; no export condition, main, types or source map names a file that is not.
    expect(problems).toEqual([]);
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.d.ts');
    expect(files.filter((f) => f.includes('.spec.') || f.includes('test-support'))).toEqual([]);
  }, 120_000);
});
