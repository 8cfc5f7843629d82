/**
 * Errors thrown by `@lcs/crate-store`. Every class carries a stable `code` that callers (and the
 * apps' exit-code mapping) switch on, the offending input (a URL, a key, a crate id) and the
 * underlying `cause` when there is one. Expected absence (a crate not stored, a metadata key never
 * written) is `undefined` or `false`, never an error.
 */
import { LcsError, type ErrorKind } from '@lcs/internal';

export type { ErrorKind };

/** Stable error codes of this library. */
export type CrateStoreErrorCode =
  | 'STORE_URL_INVALID'
  | 'STORE_REF_INVALID'
  | 'CHECKSUM_MISMATCH'
  | 'STORE_CRATE_TOO_LARGE'
  | 'STORE_FAILED'
  | 'METADATA_URL_INVALID'
  | 'METADATA_KEY_INVALID'
  | 'METADATA_VALUE_TOO_LARGE'
  | 'METADATA_FAILED'
  | 'LOCK_HELD'
  | 'LOCK_LOST'
  /** An `s3://` store or `etcd://` metadata was asked for, and its SDK (an optional peer) is not installed. */
  | 'STORE_SDK_MISSING';

/** The kind of each code: a code added without one fails to compile. */
const KINDS = {
  STORE_URL_INVALID: 'bad-input',
  STORE_REF_INVALID: 'bad-input',
  CHECKSUM_MISMATCH: 'bad-input',
  STORE_CRATE_TOO_LARGE: 'bad-input',
  STORE_FAILED: 'transient',
  METADATA_URL_INVALID: 'bad-input',
  METADATA_KEY_INVALID: 'bad-input',
  METADATA_VALUE_TOO_LARGE: 'bad-input',
  METADATA_FAILED: 'transient',
  LOCK_HELD: 'conflict',
  LOCK_LOST: 'conflict',
  STORE_SDK_MISSING: 'bad-input',
} as const satisfies Record<CrateStoreErrorCode, ErrorKind>;

/** Base class of every error this library throws. */
export class CrateStoreError extends LcsError<CrateStoreErrorCode> {
  /** The input that was refused or failed (a URL, a key, `name@version`). */
  declare readonly input: string;

  constructor(code: CrateStoreErrorCode, input: string, message: string, options?: ErrorOptions) {
    super(code, input, KINDS[code], message, options);
  }
}

/**
 * The SDK a backend needs is not installed: `@aws-sdk/client-s3` for S3, `etcd3` for etcd. They are
 * optional peer dependencies, so a consumer of the filesystem store and file metadata installs
 * neither.
 */
export class SdkMissingError extends CrateStoreError {
  /** The npm package to install. */
  readonly sdk: string;

  constructor(sdk: string, version: string, options?: ErrorOptions) {
    super(
      'STORE_SDK_MISSING',
      sdk,
      `${sdk} is not installed: this backend needs it (npm install ${sdk}@${version})`,
      options,
    );
    this.sdk = sdk;
  }
}

/** A store or metadata URL that names no backend this library has, or a malformed one. */
export class StoreUrlError extends CrateStoreError {
  constructor(
    code: 'STORE_URL_INVALID' | 'METADATA_URL_INVALID',
    url: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(
      code,
      url,
      `invalid ${code === 'STORE_URL_INVALID' ? 'store' : 'metadata'} URL ${JSON.stringify(url)}: ${reason}`,
      options,
    );
  }
}

/** A crate name, version or cksum that cannot be turned into a safe store key. */
export class CrateRefError extends CrateStoreError {
  constructor(input: string, reason: string, options?: ErrorOptions) {
    super(
      'STORE_REF_INVALID',
      input,
      `invalid crate reference ${JSON.stringify(input)}: ${reason}`,
      options,
    );
  }
}

/** A body whose sha256 differs from the index `cksum`: nothing was stored. */
export class ChecksumMismatchError extends CrateStoreError {
  /** The digest the index promised (hex). */
  readonly expected: string;
  /** The digest of the bytes received (hex). */
  readonly actual: string;
  /** Bytes received. */
  readonly bytes: number;

  constructor(crate: string, expected: string, actual: string, bytes: number) {
    super(
      'CHECKSUM_MISMATCH',
      crate,
      `${crate}: sha256 ${actual} of ${bytes} bytes does not match the index cksum ${expected}; nothing stored`,
    );
    this.expected = expected;
    this.actual = actual;
    this.bytes = bytes;
  }
}

/** A body larger than the store accepts in one object: nothing was stored. */
export class CrateTooLargeError extends CrateStoreError {
  /** The limit that was exceeded, in bytes. */
  readonly limit: number;

  constructor(crate: string, limit: number) {
    super('STORE_CRATE_TOO_LARGE', crate, `${crate}: body exceeds ${limit} bytes; nothing stored`);
    this.limit = limit;
  }
}

/** The backend (filesystem or S3) failed; `cause` holds the original error. */
export class StoreFailedError extends CrateStoreError {
  constructor(input: string, operation: string, options?: ErrorOptions) {
    const detail = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super('STORE_FAILED', input, `${operation} ${input} failed${detail}`, options);
  }
}

/** Codes of metadata failures that are not about the lock. */
export type MetadataErrorCode =
  'METADATA_KEY_INVALID' | 'METADATA_VALUE_TOO_LARGE' | 'METADATA_FAILED';

/** A metadata key or value refused, a stored value that cannot be read back, or a backend failure. */
export class MetadataError extends CrateStoreError {
  declare readonly code: MetadataErrorCode;

  constructor(code: MetadataErrorCode, key: string, reason: string, options?: ErrorOptions) {
    super(code, key, `metadata ${JSON.stringify(key)}: ${reason}`, options);
  }
}

/** Another runner holds the single-runner lock. */
export class LockHeldError extends CrateStoreError {
  /** Who holds it, as that runner described itself (host, pid, start time), when known. */
  readonly holder: string | undefined;

  constructor(lock: string, holder: string | undefined) {
    super(
      'LOCK_HELD',
      lock,
      `lock ${lock} is held by ${holder ?? 'another runner'}; exiting without doing anything`,
    );
    this.holder = holder;
  }
}

/** The lock's lease expired or was taken away: the former holder must stop writing. */
export class LockLostError extends CrateStoreError {
  constructor(lock: string, reason: string, options?: ErrorOptions) {
    super('LOCK_LOST', lock, `lock ${lock} lost: ${reason}`, options);
  }
}
