/**
 * Errors thrown by `@lcs/metrics`: a stable `code`, the offending input (a URL, a path) and `cause`.
 */
import { LcsError, type ErrorKind } from '@lcs/internal';

export type { ErrorKind };

/** Stable error codes of this library. */
export type MetricsErrorCode =
  'METRICS_PUSH_FAILED' | 'METRICS_TEXTFILE_FAILED' | 'METRICS_SERVE_FAILED';

/** The kind of each code: a code added without one fails to compile. */
const KINDS = {
  METRICS_PUSH_FAILED: 'transient',
  METRICS_TEXTFILE_FAILED: 'transient',
  METRICS_SERVE_FAILED: 'transient',
} as const satisfies Record<MetricsErrorCode, ErrorKind>;

/** Delivering metrics failed: a push to the Pushgateway, a textfile write, or binding `/metrics`. */
export class MetricsError extends LcsError<MetricsErrorCode> {
  /** The Pushgateway URL, textfile path or listen address. */
  declare readonly input: string;

  constructor(code: MetricsErrorCode, input: string, message: string, options?: ErrorOptions) {
    super(code, input, KINDS[code], message, options);
  }
}
