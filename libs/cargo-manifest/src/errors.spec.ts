import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deadErrorCodes, sharedCodePrefixes } from '../../../tools/error-codes-check.mjs';
import { CargoManifestError, CrateArchiveError, ManifestError } from './errors.js';

describe('@lcs/cargo-manifest error codes', () => {
  it('are each produced somewhere in the sources (no dead code a consumer would handle for nothing)', () => {
    const { declared, dead } = deadErrorCodes(resolve(import.meta.dirname, '..'));
    expect(declared.length).toBeGreaterThan(0);
    expect(dead).toEqual([]);
  });

  it('use prefixes no other lib uses, so a code alone names the lib that threw it', () => {
    expect(sharedCodePrefixes(resolve(import.meta.dirname, '..'))).toEqual([]);
  });
});

describe('CargoManifestError across a thread boundary', () => {
  it('comes back from toJSON, a structured clone and fromJSON as the same class and fields', () => {
    const thrown = [
      new CrateArchiveError(
        'CRATE_PATH_OUTSIDE_ROOT',
        'demo-1.0.0',
        '../x',
        'path leaves the root',
      ),
      new ManifestError('MANIFEST_INVALID', 'Cargo.toml', 'no [package]'),
    ];
    for (const error of thrown) {
      // What postMessage does to the answer a worker sends.
      const back = CargoManifestError.fromJSON(structuredClone(error.toJSON()));
      expect(back).toBeInstanceOf(error.constructor);
      expect(back).toBeInstanceOf(CargoManifestError);
      expect(back).toMatchObject({
        name: error.name,
        code: error.code,
        input: error.input,
        message: error.message,
        kind: 'bad-input',
      });
      expect((back as CrateArchiveError).crate).toBe((error as CrateArchiveError).crate);
      expect(back.stack).toBe(error.stack);
    }
  });
});
