/** The built package works outside the workspace: packed, installed from the tarball, type-checked, imported. */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const TOOL = resolve(import.meta.dirname, '../../../tools/pack-and-import.mjs');

describe('@lcs/internal as a published package', () => {
  it('installs from its tarball, type-checks under nodenext and runs', () => {
    const consumer = `
import { inSeededSample, mapOrdered, type ErrorKind } from '@lcs/internal';
const kind: ErrorKind = 'transient';
const out: number[] = [];
for await (const v of mapOrdered([1, 2, 3], 2, async (n) => n * 2)) out.push(v);
console.log([kind, out.join(','), String(inSeededSample('s', 1, 'k'))].join(' '));
`;
    const { files, output, problems } = JSON.parse(
      execFileSync(process.execPath, [TOOL, resolve(import.meta.dirname, '..')], {
        input: consumer,
        encoding: 'utf8',
      }),
    ) as { files: string[]; output: string; problems: string[] };
    expect(output.trim()).toBe('transient 2,4,6 true');
    expect(problems).toEqual([]);
    expect(files.filter((f) => f.includes('.spec.') || f.includes('test-support'))).toEqual([]);
  }, 180_000);
});
