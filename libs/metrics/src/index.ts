/**
 * `@lcs/metrics`: the services' Prometheus metrics. The only place that imports prom-client; apps
 * get a {@link MetricsRegistry} and typed recorders from it.
 * @packageDocumentation
 */
export { BackfillerMetrics } from './backfiller-metrics.js';
export { MetricsError, type ErrorKind, type MetricsErrorCode } from './errors.js';
export {
  boundedReason,
  FAILURE_REASONS,
  MALFORMED_LINE_PROBLEMS,
  type FailureReason,
} from './failure-reason.js';
export { FetcherMetrics, type FetcherMetricsOptions } from './fetcher-metrics.js';
export { JobMetrics, type RunOutcome } from './job-metrics.js';
export { VERIFY_RESULTS, VerifyMetrics, type VerifyResult } from './verify-metrics.js';
export { MetricsRegistry, type MetricsServer, type PushOptions } from './metrics-registry.js';
