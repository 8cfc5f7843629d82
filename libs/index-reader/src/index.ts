/**
 * `@lcs/index-reader`: read the crates.io index the way cargo does. The git plumbing under the
 * sources is in `@lcs/index-reader/git`.
 * @packageDocumentation
 */
export {
  assertCrateName,
  crateNameProblem,
  isValidCrateName,
  MAX_CRATE_NAME_LENGTH,
} from './entry/crate-name.js';
export { DirectoryIndexSource } from './sources/directory-index-source.js';
export {
  IndexConfigError,
  IndexLineError,
  type IndexLineProblem,
  IndexReaderError,
  IndexSourceError,
  IndexSourceInvalidError,
  InvalidCrateNameError,
  UnknownRevisionError,
  type IndexReaderErrorCode,
  type ErrorKind,
} from './errors.js';
export {
  GitIndexSource,
  type GitBackend,
  type GitIndexSourceOptions,
} from './git/git-index-source.js';
export type { GitCommitInfo, GitObjectStore } from './git/git-object-store.js';
export {
  diffVersions,
  type CrateDeleted,
  type IndexChange,
  type VersionChange,
  type VersionChangeKind,
} from './changes/index-changes.js';
export {
  downloadUrl,
  parseIndexConfig,
  type CrateDownload,
  type DownloadUrlOptions,
  type IndexConfig,
} from './entry/index-config.js';
export { diffIndex, type IndexFileDiff } from './changes/index-diff.js';
export {
  dependencyKind,
  formatVersion,
  isYanked,
  mergedFeatures,
  type DependencyKind,
  type IndexDependency,
  type IndexEntry,
} from './entry/index-entry.js';
export {
  INDEX_FORMAT_VERSION_MAX,
  indexLines,
  parseIndexFile,
  parseIndexLine,
  parseIndexLines,
  type IndexFile,
  type IndexLine,
} from './entry/index-file.js';
export { cratePrefix, indexPath } from './entry/index-path.js';
export { indexStats, type IndexStats, type IndexStatsOptions } from './changes/index-stats.js';
export {
  isIndexFilePath,
  isScannable,
  readCrate,
  readIndexConfig,
  scanIndex,
  type IndexSource,
  type RawIndexFile,
  type ScannableIndexSource,
  type ScanOptions,
} from './sources/index-source.js';
export { openIndex, type AnyIndexSource, type OpenIndexOptions } from './sources/open-index.js';
export { SparseIndexSource, type SparseIndexSourceOptions } from './sources/sparse-index-source.js';
