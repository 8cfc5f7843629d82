import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { libApiReport } from '../../../tools/api-report.mjs';

describe('@lcs/snapshot API report', () => {
  it('is up to date: every door; an API change shows as a diff of api-report.md (node tools/api-report.mjs --write)', () => {
    const report = readFileSync(resolve(import.meta.dirname, '../api-report.md'), 'utf8');
    expect(libApiReport(resolve(import.meta.dirname, '..'))).toBe(report);
  }, 60_000);
});
