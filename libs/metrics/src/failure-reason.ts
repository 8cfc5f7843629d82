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

/**
 * Why an index line was refused: the `problem` label of `lcs_fetcher_malformed_index_lines_total`,
 * the values of `IndexLineProblem` in `@lcs/index-reader` (checked by the mirror's tests), and
 * `other` for a value a newer reader adds.
 */
export const MALFORMED_LINE_PROBLEMS = [
  'not_json',
  'invalid_entry',
  'invalid_name',
  'wrong_file',
  'invalid_version',
  'other',
] as const;
