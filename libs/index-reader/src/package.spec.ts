/** The built package works outside the workspace: packed, installed from the tarball, type-checked, imported. */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const TOOL = resolve(import.meta.dirname, '../../../tools/pack-and-import.mjs');
const packAndImport = (libDir: string, consumer: string) =>
  JSON.parse(
    execFileSync(process.execPath, [TOOL, libDir], { input: consumer, encoding: 'utf8' }),
  ) as {
    files: string[];
    output: string;
    problems: string[];
  };

describe('@lcs/index-reader as a published package', () => {
  it('installs from its tarball, type-checks under nodenext and runs', () => {
    const consumer = `
import { indexPath, parseIndexFile, downloadUrl, InvalidCrateNameError, type IndexEntry } from '@lcs/index-reader';
const line = JSON.stringify({ name: 'Serde', vers: '1.0.0', deps: [], cksum: '0'.repeat(64), features: {} });
const entry: IndexEntry | undefined = parseIndexFile('se/rd/serde', line).entries[0];
let refused = '';
try { indexPath('../x'); } catch (e) { if (e instanceof InvalidCrateNameError) refused = e.code; }
console.log([indexPath('Serde'), entry?.vers, downloadUrl({ dl: 'https://dl' }, { name: 'Serde', vers: '1.0.0' }), refused].join(' '));
`;
    const { files, output, problems } = packAndImport(resolve(import.meta.dirname, '..'), consumer);
    expect(output.trim()).toBe(
      'se/rd/serde 1.0.0 https://dl/Serde/1.0.0/download INDEX_CRATE_NAME_INVALID',
    );
    // README and LICENSE shipped; no export condition, main, types or source map names a file that is not.
    expect(problems).toEqual([]);
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.d.ts');
    expect(
      files.filter(
        (f) => f.includes('.spec.') || f.includes('test-support') || f.endsWith('.tsbuildinfo'),
      ),
    ).toEqual([]);
  }, 120_000);
});
