import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { undocumentedExports, undocumentedInDoors } from '../../../tools/tsdoc-check.mjs';

describe('@lcs/cli-kit exports', () => {
  it('carry TSDoc, every one of them, in every door', () => {
    expect(undocumentedInDoors(resolve(import.meta.dirname, '..'))).toEqual([]);
  }, 60_000);

  it('the check finds an export without TSDoc', () => {
    const dir = resolve(import.meta.dirname, '../test-output');
    mkdirSync(dir, { recursive: true });
    const probe = join(dir, 'tsdoc-probe.ts');
    writeFileSync(probe, '/** Documented. */\nexport const a = 1;\nexport const b = 2;\n');
    expect(undocumentedExports(probe)).toEqual(['b']);
  }, 60_000);
});
