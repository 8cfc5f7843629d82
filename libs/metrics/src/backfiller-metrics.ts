/** The backfiller's metrics, under `ais_backfiller_`. */
import { Counter, Gauge } from 'prom-client';
import { boundedReason, FAILURE_REASONS } from './failure-reason.js';
import { JobMetrics, type RunOutcome } from './job-metrics.js';
import type { MetricsRegistry } from './metrics-registry.js';

/** Typed recorders of the backfiller's metrics. */
export class BackfillerMetrics {
  readonly job: JobMetrics;
  readonly #written: Counter;
  readonly #failed: Counter<'reason'>;
  readonly #skipped: Counter;
  readonly #pending: Gauge;
  readonly #commitTime: Gauge;

  constructor(registry: MetricsRegistry) {
    this.job = new JobMetrics(registry, 'ais_backfiller');
    this.#written = registry.register(
      new Counter({
        name: 'ais_backfiller_entries_written_total',
        help: 'Augmented index entries written.',
        registers: [],
      }),
    );
    this.#failed = registry.register(
      new Counter({
        name: 'ais_backfiller_entries_failed_total',
        help: 'Entries written with an error object (crate unreadable), by bounded reason.',
        labelNames: ['reason'] as const,
        registers: [],
      }),
    );
    for (const reason of FAILURE_REASONS) this.#failed.inc({ reason }, 0);
    this.#skipped = registry.register(
      new Counter({
        name: 'ais_backfiller_entries_skipped_total',
        help: 'Entries skipped because the crate is not in the store yet.',
        registers: [],
      }),
    );
    this.#pending = registry.register(
      new Gauge({
        name: 'ais_backfiller_pending_versions',
        help: 'Versions of the original index without a current augmented entry, after the last run.',
        registers: [],
      }),
    );
    this.#commitTime = registry.register(
      new Gauge({
        name: 'ais_backfiller_original_commit_timestamp_seconds',
        help: 'Commit time of the original index state the last run augmented.',
        registers: [],
      }),
    );
  }

  written(entries = 1): void {
    this.#written.inc(entries);
  }

  failed(reason: string): void {
    this.#failed.inc({ reason: boundedReason(reason) });
  }

  skipped(entries = 1): void {
    this.#skipped.inc(entries);
  }

  pending(versions: number): void {
    this.#pending.set(versions);
  }

  originalCommitTime(at: Date): void {
    this.#commitTime.set(at.getTime() / 1000);
  }

  finished(outcome: RunOutcome, durationSeconds: number): void {
    this.job.finished(outcome, durationSeconds);
  }
}
