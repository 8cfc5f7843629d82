/**
 * Errors thrown by `@lcs/cargo-manifest`. Every class carries a stable `code`, the offending input
 * (an entry path, a crate id) and the `cause` when there is one.
 */
import { LcsError, type ErrorKind } from '@lcs/internal';

export type { ErrorKind };

/** Every code of {@link CrateArchiveError}. */
export const CRATE_ARCHIVE_ERROR_CODES = [
  'CRATE_GZIP_BOMB',
  'CRATE_PATH_OUTSIDE_ROOT',
  'CRATE_ENTRY_TYPE',
  'CRATE_MANIFEST_TOO_LARGE',
  'CRATE_CORRUPT',
  'CRATE_NO_MANIFEST',
] as const;

/** Why a `.crate` archive was refused. */
export type CrateArchiveErrorCode = (typeof CRATE_ARCHIVE_ERROR_CODES)[number];

/** A {@link CargoManifestError} as it crosses a thread boundary (`toJSON`, `fromJSON`). */
export interface CargoManifestErrorJSON {
  readonly name: string;
  readonly code: string;
  readonly input: string;
  readonly message: string;
  readonly crate?: string;
  readonly stack?: string;
}

/** Base class of every error this library throws: each is a crate or manifest cargo would refuse. */
export class CargoManifestError extends LcsError {
  /** The input that was refused. */
  declare readonly input: string;
  /** Always `bad-input`: the crate or manifest is what is wrong. */
  declare readonly kind: 'bad-input';

  constructor(code: string, input: string, message: string, options?: ErrorOptions) {
    super(code, input, 'bad-input', message, options);
  }

  /** The fields that make the error, for `postMessage` (a structured clone keeps no class). */
  toJSON(): CargoManifestErrorJSON {
    return {
      name: this.name,
      code: this.code,
      input: this.input,
      message: this.message,
      ...((this as { crate?: string }).crate !== undefined
        ? { crate: (this as { crate?: string }).crate }
        : {}),
      ...(this.stack !== undefined ? { stack: this.stack } : {}),
    };
  }

  /** The error `toJSON` described, as the same class with the same fields. */
  static fromJSON(json: CargoManifestErrorJSON): CargoManifestError {
    const Class =
      json.name === 'CrateArchiveError'
        ? CrateArchiveError
        : json.name === 'ManifestError'
          ? ManifestError
          : CargoManifestError;
    const error = Object.create(Class.prototype) as CargoManifestError;
    Object.assign(error, {
      name: json.name,
      code: json.code,
      input: json.input,
      message: json.message,
      kind: 'bad-input',
      ...(json.crate !== undefined ? { crate: json.crate } : {}),
      ...(json.stack !== undefined ? { stack: json.stack } : {}),
    });
    return error;
  }
}

/** A `.crate` archive that is hostile, damaged or not a crate. */
export class CrateArchiveError extends CargoManifestError {
  declare readonly code: CrateArchiveErrorCode;
  /** The crate being read, `{name}-{version}`. */
  readonly crate: string;

  constructor(
    code: CrateArchiveErrorCode,
    crate: string,
    input: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(code, input, `${crate}.crate refused: ${reason}`, options);
    this.crate = crate;
  }
}

/** Every code of {@link ManifestError}. */
export const MANIFEST_ERROR_CODES = ['MANIFEST_INVALID_TOML', 'MANIFEST_INVALID'] as const;

/** Why a manifest was refused. */
export type ManifestErrorCode = (typeof MANIFEST_ERROR_CODES)[number];

/** A `Cargo.toml` that is not TOML, or that cargo would reject. */
export class ManifestError extends CargoManifestError {
  declare readonly code: ManifestErrorCode;

  constructor(code: ManifestErrorCode, input: string, reason: string, options?: ErrorOptions) {
    super(code, input, `invalid Cargo.toml: ${reason}`, options);
  }
}

/** Every code this library throws: a crate or manifest cargo itself would refuse. */
export type CargoManifestErrorCode = CrateArchiveErrorCode | ManifestErrorCode;
