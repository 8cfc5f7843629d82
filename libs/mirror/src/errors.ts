/**
 * Errors thrown by `@lcs/mirror`: a stable `code`, the offending input (a URL, a crate id) and `cause`.
 */
import { LcsError, type ErrorKind } from '@lcs/internal';

export type { ErrorKind };

/** Stable error codes of this library. */
export type MirrorErrorCode =
  | 'DOWNLOAD_HTTP_STATUS'
  | 'DOWNLOAD_TIMEOUT'
  | 'DOWNLOAD_NETWORK'
  | 'DOWNLOAD_TRUNCATED'
  /** The body arrived slower than the floor rate (`minBytesPerSecond`) and was cut. */
  | 'DOWNLOAD_TOO_SLOW'
  /** The body is larger than the per-crate limit (said by Content-Length, or counted). */
  | 'DOWNLOAD_TOO_LARGE'
  /** The URL is not one this run may read (a `file://` URL the operator did not give, a FIFO). */
  | 'DOWNLOAD_REFUSED'
  | 'SYNC_INDEX_NOT_SCANNABLE'
  /** The index's `config.json` names a download location that is not http(s). */
  | 'SYNC_DL_REFUSED'
  /** A shard that is not `I/N` with 0 <= I < N <= 256. */
  | 'SHARD_INVALID'
  /** The stored cursor, retry list or run history is not what this library wrote. */
  | 'SYNC_STATE_CORRUPT'
  /** A scrub's options are out of range (a sample that is not a fraction in (0, 1]). */
  | 'VERIFY_OPTIONS_INVALID'
  /** A store read delivered no bytes for too long (a stalled S3 GET) and was dropped. */
  | 'VERIFY_READ_STALLED'
  /** A hashing thread died, or the pool was closed with work queued. */
  | 'VERIFY_WORKER_FAILED'
  /** A repaired object read back is still not the index's bytes. */
  | 'VERIFY_READBACK_MISMATCH'
  /** Every attempt of one download failed; `lastError` says how the last one did. */
  | 'DOWNLOAD_FAILED';

/** The kind of each code: a code added without one fails to compile. */
const KINDS = {
  DOWNLOAD_HTTP_STATUS: 'transient',
  DOWNLOAD_TIMEOUT: 'transient',
  DOWNLOAD_NETWORK: 'transient',
  DOWNLOAD_TRUNCATED: 'transient',
  DOWNLOAD_TOO_SLOW: 'transient',
  DOWNLOAD_TOO_LARGE: 'bad-input',
  DOWNLOAD_REFUSED: 'bad-input',
  SYNC_INDEX_NOT_SCANNABLE: 'bad-input',
  SYNC_DL_REFUSED: 'bad-input',
  SHARD_INVALID: 'bad-input',
  SYNC_STATE_CORRUPT: 'bad-input',
  VERIFY_OPTIONS_INVALID: 'bad-input',
  VERIFY_READ_STALLED: 'transient',
  VERIFY_READBACK_MISMATCH: 'transient',
  VERIFY_WORKER_FAILED: 'transient',
  DOWNLOAD_FAILED: 'transient',
} as const satisfies Record<MirrorErrorCode, ErrorKind>;

/** Base class of every error this library throws. */
export class MirrorError extends LcsError<MirrorErrorCode> {
  /** The input that failed (a URL, `name@version`, an index spec). */
  declare readonly input: string;

  constructor(code: MirrorErrorCode, input: string, message: string, options?: ErrorOptions) {
    super(code, input, KINDS[code], message, options);
  }
}

/** One download attempt failed: an HTTP status, a timeout, a trickle, a network error or a short body. */
export class DownloadError extends MirrorError {
  /** HTTP status, when the server answered. */
  readonly status: number | undefined;
  /** Seconds the server asked to wait (`Retry-After`), when it did. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: Exclude<Extract<MirrorErrorCode, `DOWNLOAD_${string}`>, 'DOWNLOAD_FAILED'>,
    url: string,
    reason: string,
    details: { status?: number; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(code, url, `GET ${url}: ${reason}`, { cause: details.cause });
    this.status = details.status;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

/** Every attempt of a download failed; the last attempt's error is `lastError` (and `cause`). */
export class DownloadFailedError extends MirrorError {
  constructor(
    readonly lastError: unknown,
    readonly attempts: number,
    url = '',
  ) {
    super(
      'DOWNLOAD_FAILED',
      url,
      `${attempts} attempt(s) failed; last: ${lastError instanceof Error ? lastError.message : String(lastError)}`,
      { cause: lastError },
    );
  }
}
