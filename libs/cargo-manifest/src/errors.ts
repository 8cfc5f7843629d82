/**
 * Errors thrown by `@lcs/cargo-manifest`. Every class carries a stable `code`, the offending input
 * (an entry path, a crate id) and the `cause` when there is one.
 */

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

/** Base class of every error this library throws. */
export class CargoManifestError extends Error {
  /** Stable machine-readable code. */
  readonly code: string;
  /** The input that was refused. */
  readonly input: string;

  constructor(code: string, input: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.input = input;
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

const CODES: ReadonlySet<string> = new Set([...CRATE_ARCHIVE_ERROR_CODES, ...MANIFEST_ERROR_CODES]);

/**
 * Whether `code` is one of this library's: a refused crate or manifest. By code, not class, because
 * a parse on a worker thread hands back a structured clone, which keeps the code but not the class.
 */
export function isCargoManifestErrorCode(code: unknown): code is CargoManifestErrorCode {
  return typeof code === 'string' && CODES.has(code);
}
