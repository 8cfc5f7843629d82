/**
 * Errors thrown by `@lcs/metrics`: a stable `code`, the offending input (a URL, a path) and `cause`.
 */

/** Stable error codes of this library. */
export type MetricsErrorCode =
  'METRICS_PUSH_FAILED' | 'METRICS_TEXTFILE_FAILED' | 'METRICS_SERVE_FAILED';

/**
 * How a caller treats an error, whatever its code: `bad-input` (fix the input or configuration; a
 * retry fails the same way), `transient` (a retry may succeed), `conflict` (another runner holds or
 * changed what this one needs), `bug` (an invariant of ours broke). The same four in every lib.
 */
export type ErrorKind = 'bad-input' | 'transient' | 'conflict' | 'bug';

/** The kind of each code: a code added without one fails to compile. */
const KINDS = {
  METRICS_PUSH_FAILED: 'transient',
  METRICS_TEXTFILE_FAILED: 'transient',
  METRICS_SERVE_FAILED: 'transient',
} as const satisfies Record<MetricsErrorCode, ErrorKind>;

/** Delivering metrics failed: a push to the Pushgateway, a textfile write, or binding `/metrics`. */
export class MetricsError extends Error {
  /** Stable machine-readable code. */
  readonly code: MetricsErrorCode;
  /** The Pushgateway URL, textfile path or listen address. */
  readonly input: string;
  /** Its classification ({@link ErrorKind}), from its code. */
  readonly kind: ErrorKind;

  constructor(code: MetricsErrorCode, input: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.input = input;
    this.kind = KINDS[code];
  }
}
