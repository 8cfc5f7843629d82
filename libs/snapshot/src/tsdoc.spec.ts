import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { undocumentedExports } from '../../../tools/tsdoc-check.mjs';

describe('@lcs/snapshot exports', () => {
  it('carry TSDoc, every one of them', () => {
    expect(undocumentedExports(resolve(import.meta.dirname, 'index.ts'))).toEqual([]);
  }, 60_000);
});
