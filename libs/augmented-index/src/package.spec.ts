/** The built package works outside the workspace: packed, installed from the tarball, type-checked, imported. */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const TOOL = resolve(import.meta.dirname, '../../../tools/pack-and-import.mjs');

describe('@lcs/augmented-index as a published package', () => {
  it('installs from its tarball with its workspace dependencies, type-checks under nodenext and runs', () => {
    const consumer = `
import { formatEntry, parseEntry, AUGMENTED_SCHEMA, type AugmentedEntry } from '@lcs/augmented-index';
const entry: AugmentedEntry = { name: 'demo', vers: '1.0.0', cksum: '${'a'.repeat(64)}', schema: AUGMENTED_SCHEMA, dev_deps: [] };
const parsed = parseEntry(formatEntry(entry));
console.log([parsed?.vers ?? 'invalid', String(AUGMENTED_SCHEMA)].join(' '));
`;
    const { files, output, problems } = JSON.parse(
      execFileSync(process.execPath, [TOOL, resolve(import.meta.dirname, '..')], {
        input: consumer,
        encoding: 'utf8',
      }),
    ) as { files: string[]; output: string; problems: string[] };
    expect(output.trim()).toBe('1.0.0 2');
    // README and LICENSE shipped; no export condition, main, types or source map names a file that is not.
    expect(problems).toEqual([]);
    expect(files.filter((f) => f.includes('.spec.') || f.includes('test-support'))).toEqual([]);
  }, 240_000);
});
