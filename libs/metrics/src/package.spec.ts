/** The built package works outside the workspace: packed, installed from the tarball, type-checked, imported. */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const TOOL = resolve(import.meta.dirname, '../../../tools/pack-and-import.mjs');

describe('@lcs/metrics as a published package', () => {
  it('installs from its tarball, type-checks under nodenext and runs', () => {
    const consumer = `
import { MetricsRegistry, FetcherMetrics, type FailureReason } from '@lcs/metrics';
const registry = new MetricsRegistry();
const metrics = new FetcherMetrics(registry, { perCrateVersions: false });
const reason: FailureReason = 'checksum';
metrics.failed(reason);
metrics.downloaded(10);
const text = await registry.exposition();
console.log([text.includes('downloaded_crates_total 1'), text.includes('index_crate_version_count')].map(String).join(' '));
`;
    const { files, output, problems } = JSON.parse(
      execFileSync(process.execPath, [TOOL, resolve(import.meta.dirname, '..')], {
        input: consumer,
        encoding: 'utf8',
      }),
    ) as { files: string[]; output: string; problems: string[] };
    expect(output.trim()).toBe('true false');
    // README and LICENSE shipped; no export condition, main, types or source map names a file that is not.
    expect(problems).toEqual([]);
    expect(files.filter((f) => f.includes('.spec.') || f.includes('test-support'))).toEqual([]);
  }, 180_000);
});
