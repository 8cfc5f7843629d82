import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { undocumentedInDoors } from '../../../tools/tsdoc-check.mjs';

describe('@lcs/cargo-manifest exports', () => {
  it('carry TSDoc, every one of them, in every door', () => {
    expect(undocumentedInDoors(resolve(import.meta.dirname, '..'))).toEqual([]);
  }, 60_000);
});
