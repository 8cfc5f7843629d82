import { describe, expect, it } from 'vitest';
import {
  AUGMENTED_SCHEMA,
  formatEntry,
  parseEntry,
  type AugmentedEntry,
} from './augmented-entry.js';
import { errorEntry } from './entry-from-crate.js';
import { joinFile } from './join.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const entry = (vers: string, cksum = A, extra: Record<string, unknown> = {}): AugmentedEntry => ({
  name: 'demo',
  vers,
  cksum,
  schema: AUGMENTED_SCHEMA,
  dev_deps: [],
  ...extra,
});

describe('joinFile', () => {
  it('keeps current lines byte for byte and asks for missing, invalid, stale and old-schema ones', () => {
    const original = ['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.4.0'].map((vers) => ({
      name: 'demo',
      vers,
      cksum: A,
    }));
    const current = formatEntry(entry('1.0.0'));
    const augmented = [
      current,
      '{"name":"demo","vers":"1.1.0","oops":',
      formatEntry(entry('1.2.0', B)),
      formatEntry({ ...entry('1.3.0'), schema: 0 } as AugmentedEntry),
      formatEntry(entry('0.9.0')),
    ].join('\n');
    const joined = joinFile(original, augmented);
    expect(joined.slots.map((s) => ('keep' in s ? 'keep' : s.need))).toEqual([
      'keep',
      'missing',
      'stale',
      'old-schema',
      'missing',
    ]);
    expect(joined.slots[0]).toMatchObject({ keep: current });
    expect(joined.dropped).toBe(1);
  });

  it('treats a line that is JSON but not a valid entry as invalid, keeping its fields for the rewrite', () => {
    const joined = joinFile(
      [{ name: 'demo', vers: '1.0.0', cksum: A }],
      '{"name":"demo","vers":"1.0.0","cksum":"x","extra_field":1}',
    );
    expect(joined.slots[0]).toMatchObject({ need: 'invalid', previous: { extra_field: 1 } });
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

  it('records an unreadable crate with its error code, keeping unknown fields of the old line', () => {
    const line = errorEntry(
      { name: 'demo', vers: '1.0.0', cksum: A },
      Object.assign(new Error('refused: gzip bomb'), { code: 'CRATE_GZIP_BOMB' }),
      { reviewed_by: 'ops', dev_deps: ['stale'] },
    );
    expect(line).toMatchObject({
      schema: AUGMENTED_SCHEMA,
      dev_deps: [],
      error: { code: 'CRATE_GZIP_BOMB', message: 'refused: gzip bomb' },
      reviewed_by: 'ops',
    });
    expect(parseEntry(formatEntry(line))).toBeDefined();
  });
});
