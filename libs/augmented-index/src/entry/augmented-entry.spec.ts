import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { augmentedEntrySchema, entryFromJson, isWrittenEntry } from './augmented-entry.js';

/** Every kind of JSON value, and near misses of the valid ones. */
const VALUES: unknown[] = [
  undefined,
  null,
  0,
  1,
  -1,
  1.5,
  '',
  'x',
  true,
  [],
  ['a'],
  [1],
  {},
  { a: 1 },
  { a: 0 },
  { a: 'b' },
  { code: 'C', message: 'm' },
  { code: 'C', message: 'm', extra: 1 },
  { a: { code: 'C', message: 'm' } },
  { a: { reason: 'r' } },
  { bins: [] },
  { bins: ['b'], lib: { name: 'l', proc_macro: false, crate_types: ['lib'] } },
  { bins: [], lib: { name: 'l', proc_macro: false, crate_types: [], extra: 1 } },
  { bins: [], extra: 1 },
];

const DEP = {
  name: 'serde',
  req: '^1',
  features: [],
  optional: false,
  default_features: true,
  target: null,
  kind: 'dev',
};
const LINE = {
  name: 'demo',
  vers: '1.0.0',
  cksum: 'a'.repeat(64),
  schema: 2,
  dev_deps: [DEP],
  edition: '2021',
  rust_version: '1.70',
  license: 'MIT',
  links: 'z',
  targets: { lib: { name: 'demo', proc_macro: false, crate_types: ['lib'] }, bins: [] },
  build_script: false,
  cargo_lock: true,
  error: { code: 'C', message: 'm' },
  fields: { dev_deps: 1 },
  field_errors: { x: { code: 'C', message: 'm' } },
  overrides: { license: { reason: 'r' } },
  team_field: { any: ['thing'] },
};

/** The schema accepts it and returns it unchanged: what the hand check must say. */
function agree(value: unknown, where: string): void {
  const parsed = augmentedEntrySchema.safeParse(value);
  const unchanged = parsed.success && isDeepStrictEqual(parsed.data, value);
  expect(isWrittenEntry(value), where).toBe(unchanged);
  // Whichever path a value takes, the entry is the schema's.
  expect(entryFromJson(value), where).toEqual(parsed.success ? parsed.data : undefined);
}

describe('isWrittenEntry', () => {
  it('accepts a line as this library writes it', () => {
    expect(isWrittenEntry(JSON.parse(JSON.stringify(LINE)))).toBe(true);
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
    for (const key of [...Object.keys(DEP), 'package', 'registry', 'unknown'])
      for (const value of [...VALUES, 'normal', 'build', 'other']) {
        const dep: Record<string, unknown> = { ...DEP, [key]: value };
        if (value === undefined) delete dep[key];
        agree({ ...LINE, dev_deps: [DEP, dep] }, `dev_deps[1].${key} = ${JSON.stringify(value)}`);
        cases++;
      }
    expect(cases).toBeGreaterThan(400);
  });
});
