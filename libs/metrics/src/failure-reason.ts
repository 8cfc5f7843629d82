/**
 * The bounded set of `reason` label values. A label fed with free text (error messages, crate
 * names) would create a series per distinct value; these are the only values ever emitted.
 */

/** Why a crate version failed. */
export const FAILURE_REASONS = [
  'checksum',
  'truncated',
  'http_client',
  'http_server',
  'rate_limited',
  'timeout',
  'network',
  'too_large',
  'store',
  'invalid_crate',
  'other',
] as const;

/** One of {@link FAILURE_REASONS}. */
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** `reason` if it is a known value, `other` otherwise. */
export function boundedReason(reason: string): FailureReason {
  return (FAILURE_REASONS as readonly string[]).includes(reason)
    ? (reason as FailureReason)
    : 'other';
}
