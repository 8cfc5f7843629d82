import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deadErrorCodes, sharedCodePrefixes } from '../../../tools/error-codes-check.mjs';

describe('@lcs/mirror error codes', () => {
  it('are each produced somewhere in the sources (no dead code a consumer would handle for nothing)', () => {
    const { declared, dead } = deadErrorCodes(resolve(import.meta.dirname, '..'));
    expect(declared.length).toBeGreaterThan(0);
    expect(dead).toEqual([]);
  });

  it('use prefixes no other lib uses, so a code alone names the lib that threw it', () => {
    expect(sharedCodePrefixes(resolve(import.meta.dirname, '..'))).toEqual([]);
  });
});
