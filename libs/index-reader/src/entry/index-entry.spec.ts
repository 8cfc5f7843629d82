import { describe, expect, it } from 'vitest';
import { indexEntrySchema, isIndexEntry } from './index-entry.js';

/** Every kind of JSON value, and near misses of the valid ones. */
const VALUES: unknown[] = [
  undefined,
  null,
  0,
  1,
  -1,
  1.5,
  2 ** 60,
  '',
  'x',
  'a'.repeat(64),
  true,
  false,
  [],
  ['a'],
  [1],
  ['a', null],
  {},
  { a: ['b'] },
  { a: [1] },
  { a: 'b' },
  { a: null },
];

const DEP = {
  name: 'serde',
  req: '^1',
  features: ['derive'],
  optional: false,
  default_features: true,
  target: null,
  kind: 'normal',
};
const LINE = {
  name: 'demo',
  vers: '1.0.0',
  deps: [DEP],
  cksum: 'a'.repeat(64),
  features: { std: [] },
  features2: { dep: ['dep:serde'] },
  yanked: false,
  links: null,
  v: 2,
  rust_version: '1.70',
  pubtime: '2025-01-01T00:00:00Z',
  extra: { kept: true },
};

function agree(value: unknown, where: string): void {
  expect(isIndexEntry(value), where).toBe(indexEntrySchema.safeParse(value).success);
}

describe('isIndexEntry', () => {
  it('accepts a valid line, returned as it was parsed', () => {
    expect(isIndexEntry(JSON.parse(JSON.stringify(LINE)))).toBe(true);
  });

  it('agrees with the schema on every kind of value in every key of a line and of a dependency', () => {
    let cases = 0;
    for (const root of [...VALUES, [LINE]]) agree(root, `line ${JSON.stringify(root)}`);
    for (const key of [...Object.keys(LINE), 'unknown'])
      for (const value of VALUES) {
        const line: Record<string, unknown> = { ...LINE, [key]: value };
        if (value === undefined) delete line[key];
        agree(line, `${key} = ${JSON.stringify(value)}`);
        cases++;
      }
    for (const key of [...Object.keys(DEP), 'registry', 'package', 'unknown'])
      for (const value of VALUES) {
        const dep: Record<string, unknown> = { ...DEP, [key]: value };
        if (value === undefined) delete dep[key];
        agree({ ...LINE, deps: [DEP, dep] }, `deps[1].${key} = ${JSON.stringify(value)}`);
        cases++;
      }
    for (const value of VALUES)
      agree({ ...LINE, deps: [value] }, `deps[0] = ${JSON.stringify(value)}`);
    expect(cases).toBeGreaterThan(300);
  });
});
