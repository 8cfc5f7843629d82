/**
 * `@lcs/cargo-manifest`: read untrusted `.crate` files safely.
 * @packageDocumentation
 */
export {
  DEFAULT_MAX_MANIFEST_BYTES,
  MAX_COMPRESSION_RATIO,
  MAX_UNPACK_SIZE,
  readCrateArchive,
  type CrateArchive,
  type ReadCrateArchiveOptions,
} from './crate-archive.js';
export {
  CargoManifestError,
  type CargoManifestErrorJSON,
  CRATE_ARCHIVE_ERROR_CODES,
  CrateArchiveError,
  MANIFEST_ERROR_CODES,
  type CargoManifestErrorCode,
  type ErrorKind,
  type CrateArchiveErrorCode,
} from './errors.js';
export { normalizePlatform } from './cfg-platform.js';
export { ManifestError, type ManifestErrorCode } from './errors.js';
export {
  parseManifest,
  parseManifestTable,
  type Manifest,
  type ManifestPackage,
} from './manifest.js';
export {
  manifestDependencies,
  type ManifestDependency,
  type ManifestDependencyKind,
} from './manifest-dependency.js';
export { normalizeVersionReq } from './version-req.js';
export { readCrateManifest, type CrateManifest } from './crate-manifest.js';
export {
  manifestTargets,
  type BinTarget,
  type LibTarget,
  type ManifestTargets,
} from './manifest-targets.js';
