/**
 * Engines that say the truth: every package of the workspace declares the same Node range, and that
 * range is exactly the majors the test command runs every test on (the machine's, and those of
 * tools/runtimes.json).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extraRuntimes } from '../../tools/node-runtime.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const manifests = [
  'package.json',
  ...['libs', 'apps'].flatMap((group) =>
    readdirSync(join(ROOT, group)).map((name) => join(group, name, 'package.json')),
  ),
  'deploy/package.json',
];
const engines = (file: string) =>
  (JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as { engines?: { node?: string } }).engines
    ?.node;

describe('supported runtimes', () => {
  it('are declared the same in every package.json', () => {
    const ranges = new Map(manifests.map((file) => [file, engines(file)]));
    expect(new Set(ranges.values()).size, JSON.stringify([...ranges])).toBe(1);
  });

  it('are exactly the majors the tests run on', () => {
    const declared = [...(engines('package.json') ?? '').matchAll(/\^(\d+)\./g)].map((m) => m[1]);
    // In the matrix, the test command says which major the machine's own Node is.
    const machine =
      process.env['LCS_MACHINE_NODE_MAJOR'] ?? process.versions.node.split('.')[0] ?? '';
    expect(declared.sort()).toEqual([machine, ...Object.keys(extraRuntimes())].sort());
  });
});
