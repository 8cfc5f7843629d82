import { describe, expect, it } from 'vitest';
import { formatEntry, parseEntry, type AugmentedEntry } from './augmented-entry.js';
import type { IndexEntry } from '@lcs/index-reader';
import { defineField } from '../fields/field.js';
import { FieldSet } from '../fields/field-set.js';
import { joinFile } from './join.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const entry = (vers: string, cksum = A, extra: Record<string, unknown> = {}): AugmentedEntry => ({
  name: 'demo',
  vers,
  cksum,
  schema: 2,
  dev_deps: [],
  ...extra,
});

const index = (vers: string, cksum = A) =>
  ({ name: 'demo', vers, cksum, deps: [], features: {} }) as unknown as IndexEntry;

describe('joinFile', () => {
  const builtins = new FieldSet();
  const current = { ...builtins.versions };

  it('keeps current lines byte for byte and asks for missing, invalid and stale ones in full', () => {
    const original = ['1.0.0', '1.1.0', '1.2.0', '1.3.0'].map((v) => index(v));
    const kept = formatEntry(entry('1.0.0', A, { fields: current }));
    const augmented = [
      kept,
      '{"name":"demo","vers":"1.1.0","oops":',
      formatEntry(entry('1.2.0', B, { fields: current })),
      '{"name":"demo","vers":"1.3.0","cksum":"x","extra_field":1}',
      formatEntry(entry('0.9.0', A, { fields: current })),
    ].join('\n');
    const joined = joinFile(original, augmented, builtins);
    expect(joined.slots.map((s) => ('keep' in s ? 'keep' : s.need))).toEqual([
      'keep',
      'missing',
      'stale',
      'invalid',
    ]);
    expect(joined.slots[0]).toMatchObject({ keep: kept });
    // A line that is JSON but no valid entry keeps its other keys for the rewrite.
    expect(joined.slots[3]).toMatchObject({ previous: { extra_field: 1 } });
    for (const slot of joined.slots.slice(1))
      expect('fields' in slot && slot.fields.map((f) => f.name)).toEqual(
        builtins.fields.map((f) => f.name),
      );
    expect(joined.dropped).toBe(1);
  });

  it('asks only for the fields a line lacks or holds at a lower version', () => {
    const pubtime = defineField({
      name: 'pub_year',
      version: 2,
      source: 'index',
      generate: () => 1,
    });
    const set = new FieldSet([{ module: 'team.mjs', fields: [pubtime] }]);
    const original = ['1.0.0', '1.1.0', '1.2.0'].map((v) => index(v));
    const augmented = [
      formatEntry(entry('1.0.0', A, { fields: current })),
      formatEntry(entry('1.1.0', A, { fields: { ...current, pub_year: 1 } })),
      formatEntry(entry('1.2.0', A, { fields: { ...current, pub_year: 2 } })),
    ].join('\n');
    const joined = joinFile(original, augmented, set);
    const asked = joined.slots.map((s) => ('keep' in s ? 'keep' : s.fields.map((f) => f.name)));
    expect(asked).toEqual([['pub_year'], ['pub_year'], 'keep']);
    expect(joined.slots[0]).toMatchObject({ need: 'fields' });
  });

  it('reads a schema-1 line (no fields map) as the built-in fields at version 1: nothing to redo', () => {
    const schema1 = formatEntry({ ...entry('1.0.0'), schema: 1 } as AugmentedEntry);
    const joined = joinFile([index('1.0.0')], schema1, new FieldSet());
    expect(joined.slots).toEqual([{ index: index('1.0.0'), keep: schema1 }]);
  });
});

describe('formatEntry', () => {
  it('writes known keys in a fixed order, unknown keys after them sorted, whatever the input order', () => {
    const shuffled = {
      zeta: 1,
      dev_deps: [
        {
          kind: 'dev',
          name: 'x',
          req: '^1',
          target: null,
          features: [],
          optional: false,
          default_features: true,
        },
      ],
      cksum: A,
      alpha: 2,
      vers: '1.0.0',
      schema: 1,
      name: 'demo',
    } as AugmentedEntry;
    expect(formatEntry(shuffled)).toBe(
      `{"name":"demo","vers":"1.0.0","cksum":"${A}","schema":1,"dev_deps":[{"name":"x","req":"^1","features":[],"optional":false,"default_features":true,"target":null,"kind":"dev"}],"alpha":2,"zeta":1}`,
    );
    expect(parseEntry(formatEntry(shuffled))).toMatchObject({ alpha: 2, zeta: 1 });
  });
});
