/**
 * The scrub's metrics (`lcs-fetcher verify`), under `lcs_verify_`. What the alert rules read: the
 * objects a complete scrub left unrepaired (page) and when a scrub last completed (warn when old).
 */
import { Counter, Gauge } from 'prom-client';
import { JobMetrics, type RunOutcome } from './job-metrics.js';
import type { MetricsRegistry } from './metrics-registry.js';

/** How a checked object was found. */
export const VERIFY_RESULTS = ['ok', 'missing', 'corrupt', 'unreadable', 'unexpected'] as const;
/** One of {@link VERIFY_RESULTS}. */
export type VerifyResult = (typeof VERIFY_RESULTS)[number];

/** Typed recorders of the scrub's metrics. */
export class VerifyMetrics {
  readonly job: JobMetrics;
  readonly #registry: MetricsRegistry;
  readonly #objects: Counter<'result'>;
  readonly #bytes: Counter;
  readonly #repairs: Counter<'outcome'>;
  readonly #found: Gauge<'result'>;
  readonly #unrepaired: Gauge;
  #lastComplete: Gauge<'scope'> | undefined;

  constructor(registry: MetricsRegistry) {
    this.#registry = registry;
    this.job = new JobMetrics(registry, 'lcs_verify');
    this.#objects = registry.register(
      new Counter({
        name: 'lcs_verify_objects_total',
        help: 'Crate objects a scrub classified, by result.',
        labelNames: ['result'] as const,
        registers: [],
      }),
    );
    for (const result of VERIFY_RESULTS) this.#objects.inc({ result }, 0);
    this.#bytes = registry.register(
      new Counter({
        name: 'lcs_verify_bytes_total',
        help: 'Bytes of stored objects a scrub read and hashed.',
        registers: [],
      }),
    );
    this.#repairs = registry.register(
      new Counter({
        name: 'lcs_verify_repairs_total',
        help: 'Repairs of missing or damaged objects, by outcome.',
        labelNames: ['outcome'] as const,
        registers: [],
      }),
    );
    for (const outcome of ['repaired', 'failed']) this.#repairs.inc({ outcome }, 0);
    this.#found = registry.register(
      new Gauge({
        name: 'lcs_verify_last_found_objects',
        help: 'Objects the last complete scrub found, by result (ok included).',
        labelNames: ['result'] as const,
        registers: [],
      }),
    );
    this.#unrepaired = registry.register(
      new Gauge({
        name: 'lcs_verify_unrepaired_objects',
        help: 'Missing, corrupt or unreadable objects the last complete scrub left unrepaired.',
        registers: [],
      }),
    );
  }

  /** Counts `n` objects of one result. */
  object(result: VerifyResult, n = 1): void {
    this.#objects.inc({ result }, n);
  }

  /** Counts bytes read and hashed. */
  bytes(n: number): void {
    this.#bytes.inc(n);
  }

  /** Counts one repair. */
  repair(outcome: 'repaired' | 'failed'): void {
    this.#repairs.inc({ outcome });
  }

  /**
   * Records a complete scrub: what it found and what it left unrepaired. The completion timestamp is
   * registered only then, so an interrupted scrub's push leaves the previous completion in place.
   */
  completed(
    found: Readonly<Record<VerifyResult, number>>,
    unrepaired: number,
    scope: 'full' | 'sample',
    at: Date = new Date(),
  ): void {
    for (const result of VERIFY_RESULTS) this.#found.set({ result }, found[result]);
    this.#unrepaired.set(unrepaired);
    this.#lastComplete ??= this.#registry.register(
      new Gauge({
        name: 'lcs_verify_last_complete_timestamp_seconds',
        help: 'Unix time a scrub last completed, by scope (full, or a sample).',
        labelNames: ['scope'] as const,
        registers: [],
      }),
    );
    this.#lastComplete.set({ scope }, at.getTime() / 1000);
  }

  /** Records the end of the run (see {@link JobMetrics.finished}). */
  finished(outcome: RunOutcome, durationSeconds: number): void {
    this.job.finished(outcome, durationSeconds);
  }
}
