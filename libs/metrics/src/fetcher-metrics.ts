/**
 * The fetcher's metrics. The three the design names keep its exact names
 * (`index_crate_version_count`, `scanned_crates_total`, `downloaded_crates_total`); the others
 * carry the `lcs_fetcher_` / `lcs_index_` prefixes and base units.
 */
import { Counter, Gauge } from 'prom-client';
import { boundedReason, FAILURE_REASONS, MALFORMED_LINE_PROBLEMS } from './failure-reason.js';
import { JobMetrics, type RunOutcome } from './job-metrics.js';
import type { MetricsRegistry } from './metrics-registry.js';

/** Options of {@link FetcherMetrics}. */
export interface FetcherMetricsOptions {
  /**
   * Export `index_crate_version_count{crate_name}`, one series per crate (about 200,000 on
   * crates.io: about 10 MB per scrape and as many series in Prometheus). Default `true`, as the
   * design specifies; `false` keeps only the bounded totals `lcs_index_crates` and `lcs_index_versions`.
   */
  readonly perCrateVersions?: boolean;
}

/** Typed recorders of the fetcher's metrics. */
export class FetcherMetrics {
  readonly job: JobMetrics;
  readonly #perCrate: Gauge<'crate_name'> | undefined;
  readonly #crates: Gauge;
  readonly #versions: Gauge;
  readonly #scanned: Counter;
  readonly #runScanned: Gauge;
  readonly #downloaded: Counter;
  readonly #bytes: Counter;
  readonly #failures: Counter<'reason'>;
  readonly #missing: Gauge;
  readonly #retry: Gauge;
  readonly #commitTime: Gauge;
  readonly #malformed: Counter<'problem'>;

  constructor(registry: MetricsRegistry, options: FetcherMetricsOptions = {}) {
    const gauge = (name: string, help: string) =>
      registry.register(new Gauge({ name, help, registers: [] }));
    const counter = (name: string, help: string) =>
      registry.register(new Counter({ name, help, registers: [] }));
    this.job = new JobMetrics(registry, 'lcs_fetcher');
    this.#perCrate =
      options.perCrateVersions === false
        ? undefined
        : registry.register(
            new Gauge({
              name: 'index_crate_version_count',
              help: 'Versions of each crate in the index (one series per crate).',
              labelNames: ['crate_name'] as const,
              registers: [],
            }),
          );
    this.#crates = gauge('lcs_index_crates', 'Crates in the index at the synced commit.');
    this.#versions = gauge(
      'lcs_index_versions',
      'Crate versions in the index at the synced commit.',
    );
    this.#scanned = counter('scanned_crates_total', 'Crates identified while scanning the index.');
    this.#runScanned = gauge(
      'lcs_fetcher_run_scanned_crates',
      'Crates identified while scanning, in the last run.',
    );
    this.#downloaded = counter(
      'downloaded_crates_total',
      'Crate versions downloaded, verified and stored.',
    );
    this.#bytes = counter(
      'lcs_fetcher_downloaded_bytes_total',
      'Bytes of crate files downloaded, verified and stored.',
    );
    this.#failures = registry.register(
      new Counter({
        name: 'lcs_fetcher_download_failures_total',
        help: 'Crate versions that failed, by bounded reason.',
        labelNames: ['reason'] as const,
        registers: [],
      }),
    );
    // Every reason starts at 0 so rate() and increase() see the first failure.
    for (const reason of FAILURE_REASONS) this.#failures.inc({ reason }, 0);
    this.#missing = gauge(
      'lcs_fetcher_missing_versions',
      'Crate versions in the index and not in the store, after the last run.',
    );
    this.#retry = gauge(
      'lcs_fetcher_retry_versions',
      'Crate versions on the retry list (failed, to be retried), after the last run.',
    );
    this.#malformed = registry.register(
      new Counter({
        name: 'lcs_fetcher_malformed_index_lines_total',
        help: 'Index lines a sync read and could not use, by problem (the logs and status name them).',
        labelNames: ['problem'] as const,
        registers: [],
      }),
    );
    for (const problem of MALFORMED_LINE_PROBLEMS) this.#malformed.inc({ problem }, 0);
    this.#commitTime = gauge(
      'lcs_fetcher_index_commit_timestamp_seconds',
      'Commit time of the index state the last run synced (freshness).',
    );
  }

  /** Whether the per-crate gauge is on. */
  get perCrateVersions(): boolean {
    return this.#perCrate !== undefined;
  }

  /** Counts `lines` malformed index lines of one problem (an unknown problem counts as `other`). */
  malformedLines(problem: string, lines: number): void {
    const known = (MALFORMED_LINE_PROBLEMS as readonly string[]).includes(problem);
    this.#malformed.inc({ problem: known ? problem : 'other' }, lines);
  }

  /** Sets one crate's version count (cheap: call it only for crates that changed). */
  crateVersions(crate: string, versions: number): void {
    this.#perCrate?.set({ crate_name: crate }, versions);
  }

  /** Drops a deleted crate's series. */
  crateRemoved(crate: string): void {
    this.#perCrate?.remove({ crate_name: crate });
  }

  /** Sets the index totals (bounded alternatives to the per-crate gauge). */
  indexTotals(crates: number, versions: number): void {
    this.#crates.set(crates);
    this.#versions.set(versions);
  }

  /** Counts crates identified while scanning. */
  scanned(crates = 1): void {
    this.#scanned.inc(crates);
    this.#runScanned.inc(crates);
  }

  /** Counts one stored crate version and its bytes. */
  downloaded(bytes: number): void {
    this.#downloaded.inc();
    this.#bytes.inc(bytes);
  }

  /** Counts one failed crate version; unknown reasons count as `other`. */
  failed(reason: string): void {
    this.#failures.inc({ reason: boundedReason(reason) });
  }

  /** Sets what is still missing and what is on the retry list. */
  backlog(missing: number, retry: number): void {
    this.#missing.set(missing);
    this.#retry.set(retry);
  }

  /** Sets the commit time of the index state synced. */
  indexCommitTime(at: Date): void {
    this.#commitTime.set(at.getTime() / 1000);
  }

  /** Records the end of the run (see {@link JobMetrics.finished}). */
  finished(outcome: RunOutcome, durationSeconds: number): void {
    this.job.finished(outcome, durationSeconds);
  }
}
