/**
 * Errors thrown by `@lcs/metrics`: a stable `code`, the offending input (a URL, a path) and `cause`.
 */

/** Stable error codes of this library. */
export type MetricsErrorCode =
  'METRICS_PUSH_FAILED' | 'METRICS_TEXTFILE_FAILED' | 'METRICS_SERVE_FAILED';

/** Delivering metrics failed: a push to the Pushgateway, a textfile write, or binding `/metrics`. */
export class MetricsError extends Error {
  /** Stable machine-readable code. */
  readonly code: MetricsErrorCode;
  /** The Pushgateway URL, textfile path or listen address. */
  readonly input: string;

  constructor(code: MetricsErrorCode, input: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.input = input;
  }
}
