/**
 * The runtime the tests run on: a supported Node major, and, when the test command runs its matrix,
 * the very one it asked for (so a matrix run that silently fell back to the machine's Node fails),
 * also in the child processes the end-to-end tests spawn.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const major = process.versions.node.split('.')[0];

describe('test runtime', () => {
  it('is a Node major the packages declare in engines', () => {
    const engines = (
      JSON.parse(readFileSync(resolve(import.meta.dirname, '../package.json'), 'utf8')) as {
        engines: { node: string };
      }
    ).engines.node;
    const majors = [...engines.matchAll(/\^(\d+)\./g)].map((m) => m[1]);
    expect(majors).toContain(major);
  });

  const expected = process.env['LCS_TEST_NODE_MAJOR'];
  it.skipIf(expected === undefined)(
    'is the one the test matrix asked for, here and in spawned processes',
    () => {
      expect(major).toBe(expected);
      const child = execFileSync(process.execPath, ['-p', 'process.versions.node'], {
        encoding: 'utf8',
      });
      expect(child.split('.')[0]).toBe(expected);
    },
  );
});
