/**
 * What a failed crate version is recorded as: a bounded reason (the metrics label), the error code,
 * a message, and whether another attempt can help.
 */
import { CrateStoreError, type CrateStoreErrorCode } from '@lcs/crate-store';
import type { FailureReason } from '@lcs/metrics';
import { MirrorError, type DownloadError, type MirrorErrorCode } from '../errors.js';

/** A classified failure. */
export interface Failure {
  readonly reason: FailureReason;
  readonly code: string;
  readonly message: string;
  /** Worth another attempt in this run (network trouble, 5xx, 429, a corrupt or short body). */
  readonly retryable: boolean;
}

/** Classifies anything a download + put can throw. */
export function classifyFailure(error: unknown): Failure {
  // Recorded as thrown (a raw errno code too); switched on only as a code of our libs' unions, so a
  // renamed code fails to compile here instead of silently landing in `other`.
  const code = String((error as { code?: unknown } | null)?.code ?? 'UNKNOWN');
  const known: MirrorErrorCode | CrateStoreErrorCode | undefined =
    error instanceof MirrorError || error instanceof CrateStoreError ? error.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  switch (known) {
    case 'DOWNLOAD_HTTP_STATUS': {
      const status = (error as DownloadError).status ?? 0;
      if (status === 429) return { reason: 'rate_limited', code, message, retryable: true };
      if (status >= 500) return { reason: 'http_server', code, message, retryable: true };
      // 408 Request Timeout is the server's way of saying "try again".
      return { reason: 'http_client', code, message, retryable: status === 408 };
    }
    // A trickle is a deadline missed: the same label, its own code.
    case 'DOWNLOAD_TIMEOUT':
    case 'DOWNLOAD_TOO_SLOW':
      return { reason: 'timeout', code, message, retryable: true };
    case 'DOWNLOAD_NETWORK':
      return { reason: 'network', code, message, retryable: true };
    case 'DOWNLOAD_TRUNCATED':
      return { reason: 'truncated', code, message, retryable: true };
    case 'CHECKSUM_MISMATCH':
      // A proxy or CDN can hand out a damaged copy once; a registry that really serves other bytes
      // than its index promises fails every attempt and is recorded.
      return { reason: 'checksum', code, message, retryable: true };
    case 'STORE_CRATE_TOO_LARGE':
    case 'DOWNLOAD_TOO_LARGE':
      return { reason: 'too_large', code, message, retryable: false };
    case 'DOWNLOAD_REFUSED':
      return { reason: 'http_client', code, message, retryable: false };
    case 'STORE_FAILED':
    case 'STORE_REF_INVALID':
      return {
        reason: known === 'STORE_FAILED' ? 'store' : 'invalid_crate',
        code,
        message,
        retryable: false,
      };
    default:
      return { reason: 'other', code, message, retryable: false };
  }
}
