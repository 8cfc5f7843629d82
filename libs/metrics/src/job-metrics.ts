/**
 * What every batch job exposes, named after Prometheus conventions
 * (https://prometheus.io/docs/practices/naming/, and the Pushgateway guidance on batch jobs:
 * https://prometheus.io/docs/practices/instrumentation/#batch-jobs): how long the last run took,
 * whether it succeeded, and when one last succeeded.
 */
import { Gauge } from 'prom-client';
import type { MetricsRegistry } from './metrics-registry.js';

/** How a run ended. */
export type RunOutcome = 'success' | 'partial' | 'failure';

/** Run-level metrics under a job prefix such as `lcs_fetcher`. */
export class JobMetrics {
  readonly #registry: MetricsRegistry;
  readonly #prefix: string;
  readonly #duration: Gauge;
  readonly #lastRun: Gauge;
  readonly #lastRunTimestamp: Gauge;
  #lastSuccess: Gauge | undefined;

  constructor(registry: MetricsRegistry, prefix: string) {
    this.#registry = registry;
    this.#prefix = prefix;
    this.#duration = registry.register(
      new Gauge({
        name: `${prefix}_run_duration_seconds`,
        help: 'Duration of the last run, in seconds.',
        registers: [],
      }),
    );
    this.#lastRun = registry.register(
      new Gauge({
        name: `${prefix}_last_run_outcome`,
        help: 'How the last run ended: 1 for the outcome that happened, 0 for the others.',
        labelNames: ['outcome'],
        registers: [],
      }),
    );
    this.#lastRunTimestamp = registry.register(
      new Gauge({
        name: `${prefix}_last_run_timestamp_seconds`,
        help: 'Unix time the last run ended.',
        registers: [],
      }),
    );
  }

  /**
   * Records the end of a run. The last-success timestamp is registered only by a successful run,
   * so a failed run's push (`pushAdd`) leaves the previous success in the Pushgateway.
   */
  finished(outcome: RunOutcome, durationSeconds: number, at: Date = new Date()): void {
    this.#duration.set(durationSeconds);
    for (const o of ['success', 'partial', 'failure'] as const)
      this.#lastRun.set({ outcome: o }, o === outcome ? 1 : 0);
    this.#lastRunTimestamp.set(at.getTime() / 1000);
    if (outcome !== 'success') return;
    this.#lastSuccess ??= this.#registry.register(
      new Gauge({
        name: `${this.#prefix}_last_success_timestamp_seconds`,
        help: 'Unix time the last successful run ended.',
        registers: [],
      }),
    );
    this.#lastSuccess.set(at.getTime() / 1000);
  }
}
