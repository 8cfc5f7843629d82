import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BackfillerMetrics } from './backfiller-metrics.js';
import { FetcherMetrics } from './fetcher-metrics.js';
import { MetricsRegistry } from './metrics-registry.js';

// promtool's linter flags the `_count` suffix of `index_crate_version_count` (it reads like a
// summary's count series). The design names the metric exactly so; that one finding is expected.
const KNOWN_LINT =
  'index_crate_version_count non-histogram and non-summary metrics should not have "_count" suffix';

/** `promtool check metrics` (Debian's prometheus package) on an exposition; fails on any finding but the known one. */
function promtoolCheck(exposition: string): void {
  let findings: string;
  try {
    findings = execFileSync('promtool', ['check', 'metrics'], {
      input: exposition,
      encoding: 'utf8',
      stdio: 'pipe',
    });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; status?: number };
    // Exit 3 means lint findings only; anything else is a parse error.
    if (e.status !== 3)
      throw new Error(
        `promtool check metrics failed (${e.status}): ${e.stdout ?? ''}${e.stderr ?? ''}`,
      );
    findings = `${e.stdout ?? ''}${e.stderr ?? ''}`;
  }
  const unexpected = findings
    .split('\n')
    .filter((line) => line.trim() !== '' && line.trim() !== KNOWN_LINT);
  expect(unexpected).toEqual([]);
}

/** The sample lines of one metric name, as `labels value`. */
function samples(exposition: string, name: string): string[] {
  return exposition
    .split('\n')
    .filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
    .map((line) => line.slice(name.length).trim());
}

function fetcherRun(options?: { perCrateVersions?: boolean }) {
  const registry = new MetricsRegistry();
  const metrics = new FetcherMetrics(registry, options);
  metrics.crateVersions('serde', 120);
  metrics.crateVersions('rand', 80);
  metrics.crateVersions('gone', 1);
  metrics.crateRemoved('gone');
  metrics.indexTotals(2, 200);
  metrics.scanned(2);
  metrics.downloaded(1000);
  metrics.downloaded(500);
  metrics.failed('checksum');
  metrics.failed('an error message that must not become a label value');
  metrics.backlog(3, 2);
  metrics.indexCommitTime(new Date('2019-11-10T12:00:00Z'));
  return { registry, metrics };
}

describe('FetcherMetrics', () => {
  it("exposes the design's metrics under their exact names, and the batch-job metrics", async () => {
    const { registry, metrics } = fetcherRun();
    metrics.finished('success', 12.5);
    const text = await registry.exposition();
    expect(samples(text, 'index_crate_version_count')).toEqual([
      '{crate_name="serde"} 120',
      '{crate_name="rand"} 80',
    ]);
    expect(samples(text, 'scanned_crates_total')).toEqual(['2']);
    expect(samples(text, 'downloaded_crates_total')).toEqual(['2']);
    expect(samples(text, 'lcs_fetcher_downloaded_bytes_total')).toEqual(['1500']);
    expect(samples(text, 'lcs_fetcher_download_failures_total')).toContain('{reason="checksum"} 1');
    expect(samples(text, 'lcs_fetcher_download_failures_total')).toContain('{reason="other"} 1');
    expect(samples(text, 'lcs_fetcher_download_failures_total')).toContain('{reason="timeout"} 0');
    expect(samples(text, 'lcs_fetcher_missing_versions')).toEqual(['3']);
    expect(samples(text, 'lcs_fetcher_retry_versions')).toEqual(['2']);
    expect(samples(text, 'lcs_fetcher_index_commit_timestamp_seconds')).toEqual([
      String(Date.parse('2019-11-10T12:00:00Z') / 1000),
    ]);
    expect(samples(text, 'lcs_fetcher_run_duration_seconds')).toEqual(['12.5']);
    expect(samples(text, 'lcs_fetcher_last_run_outcome')).toEqual([
      '{outcome="success"} 1',
      '{outcome="partial"} 0',
      '{outcome="failure"} 0',
    ]);
    expect(samples(text, 'lcs_fetcher_last_success_timestamp_seconds')).toHaveLength(1);
    expect(samples(text, 'lcs_index_crates')).toEqual(['2']);
    promtoolCheck(text);
  });

  it('registers no last-success timestamp for a failed or partial run', async () => {
    const { registry, metrics } = fetcherRun();
    metrics.finished('partial', 3);
    const text = await registry.exposition();
    expect(text).not.toContain('lcs_fetcher_last_success_timestamp_seconds');
    expect(samples(text, 'lcs_fetcher_last_run_outcome')).toContain('{outcome="partial"} 1');
  });

  it('leaves the per-crate gauge out entirely when switched off', async () => {
    const { registry, metrics } = fetcherRun({ perCrateVersions: false });
    expect(metrics.perCrateVersions).toBe(false);
    const text = await registry.exposition();
    expect(text).not.toContain('index_crate_version_count');
    expect(samples(text, 'lcs_index_versions')).toEqual(['200']);
  });

  it('holds one series per crate at crates.io scale and stays valid for promtool', async () => {
    const registry = new MetricsRegistry();
    const metrics = new FetcherMetrics(registry);
    for (let i = 0; i < 50_000; i++) metrics.crateVersions(`crate-${i}`, i % 40);
    const text = await registry.exposition();
    expect(samples(text, 'index_crate_version_count')).toHaveLength(50_000);
    promtoolCheck(text);
  });
});

describe('BackfillerMetrics', () => {
  it('exposes written, failed, skipped, pending and the job metrics, accepted by promtool', async () => {
    const registry = new MetricsRegistry({ service: 'ais' });
    const metrics = new BackfillerMetrics(registry);
    metrics.written(10);
    metrics.failed('invalid_crate');
    metrics.skipped(2);
    metrics.pending(7);
    metrics.originalCommitTime(new Date(0));
    metrics.finished('success', 1);
    const text = await registry.exposition();
    expect(samples(text, 'ais_backfiller_entries_written_total')).toEqual(['{service="ais"} 10']);
    expect(samples(text, 'ais_backfiller_entries_failed_total')).toContain(
      '{reason="invalid_crate",service="ais"} 1',
    );
    expect(samples(text, 'ais_backfiller_entries_skipped_total')).toEqual(['{service="ais"} 2']);
    expect(samples(text, 'ais_backfiller_pending_versions')).toEqual(['{service="ais"} 7']);
    expect(samples(text, 'ais_backfiller_last_success_timestamp_seconds')).toHaveLength(1);
    promtoolCheck(text);
  });
});
