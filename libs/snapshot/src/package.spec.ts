/** The built package works outside the workspace: packed, installed from the tarball, type-checked, imported. */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const TOOL = resolve(import.meta.dirname, '../../../tools/pack-and-import.mjs');

describe('@lcs/snapshot as a published package', () => {
  it('installs from its tarball, type-checks under nodenext and runs', () => {
    const consumer = `
import * as root from '@lcs/snapshot';
import { parseSnapshotPoint, SnapshotError, type SnapshotPoint } from '@lcs/snapshot';
import { SnapshotHistory, type SnapshotRecord } from '@lcs/snapshot/history';
const records: SnapshotRecord[] = [];
const point: SnapshotPoint = parseSnapshotPoint('2019-11-10T00:00:00Z');
let code = '';
try {
  parseSnapshotPoint('yesterday');
} catch (error) {
  if (error instanceof SnapshotError) code = error.code;
}
console.log([typeof point === 'object' && 'time' in point, code, typeof SnapshotHistory, 'SnapshotHistory' in root, records.length].join(' '));
`;
    const { files, output, problems } = JSON.parse(
      execFileSync(process.execPath, [TOOL, resolve(import.meta.dirname, '..')], {
        input: consumer,
        encoding: 'utf8',
      }),
    ) as { files: string[]; output: string; problems: string[] };
    // The history (what a sync records with) has its own door, and only that one.
    expect(output.trim()).toBe('true SNAPSHOT_POINT_INVALID function false 0');
    expect(problems).toEqual([]);
    expect(files.filter((f) => f.includes('.spec.') || f.includes('test-support'))).toEqual([]);
  }, 180_000);
});
