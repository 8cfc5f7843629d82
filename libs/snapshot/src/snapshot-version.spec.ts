import { describe, expect, it } from 'vitest';
import type { AugmentedEntry } from '@lcs/augmented-index';
import type { IndexEntry } from '@lcs/index-reader';
import { mergeVersion } from './snapshot-version.js';

const entry: IndexEntry = {
  name: 'demo',
  vers: '1.0.0',
  deps: [],
  cksum: 'a'.repeat(64),
  features: {},
  rust_version: '1.70',
};
const line: AugmentedEntry = {
  name: 'demo',
  vers: '1.0.0',
  cksum: 'a'.repeat(64),
  schema: 1,
  dev_deps: [
    {
      name: 'x',
      req: '^1',
      features: [],
      optional: false,
      default_features: true,
      target: null,
      kind: 'dev',
    },
  ],
  edition: '2021',
  rust_version: '1.60',
};

describe('mergeVersion', () => {
  it("adds the augmented fields the index lacks and keeps the index's own", () => {
    const merged = mergeVersion(entry, line, true);
    expect(merged).toMatchObject({ augmented: true, mirrored: true, edition: '2021', schema: 1 });
    expect(merged.dev_deps).toEqual(line.dev_deps);
    expect(merged.rust_version).toBe('1.70');
  });

  it('ignores a stale line (another cksum: the version was re-published) and a missing one', () => {
    const stale = mergeVersion(entry, { ...line, cksum: 'b'.repeat(64) }, false);
    expect(stale).toMatchObject({ augmented: false, mirrored: false });
    expect(stale.dev_deps).toBeUndefined();
    expect(mergeVersion(entry, undefined, true)).toEqual({
      ...entry,
      mirrored: true,
      augmented: false,
    });
  });

  it('moves the reason a line could not be generated to augment_error', () => {
    const error = { code: 'CRATE_ARCHIVE_INVALID', message: 'not a gzip stream' };
    const merged = mergeVersion(entry, { ...line, dev_deps: [], error }, true);
    expect(merged.augment_error).toEqual(error);
    expect('error' in merged).toBe(false);
  });

  it('shows where a value came from: an override wins, even over the index, and says so', () => {
    const merged = mergeVersion(
      entry,
      {
        ...line,
        license: 'MIT',
        rust_version: '1.56',
        overrides: { license: { reason: 'TICKET-1' }, rust_version: { reason: 'TICKET-2' } },
      },
      true,
    );
    expect(merged).toMatchObject({
      license: 'MIT',
      rust_version: '1.56',
      overrides: { license: { reason: 'TICKET-1' }, rust_version: { reason: 'TICKET-2' } },
    });
    expect(mergeVersion(entry, line, true)).not.toHaveProperty('overrides');
  });
});
