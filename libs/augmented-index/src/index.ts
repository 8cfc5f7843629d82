/**
 * `@lcs/augmented-index`: the augmented crates index (dev-dependencies and more, one JSON line per
 * version, laid out like crates.io-index): schema, entry generation, join, and the git repository.
 * @packageDocumentation
 */
export {
  AUGMENTED_SCHEMA,
  augmentedDependencySchema,
  augmentedEntrySchema,
  formatEntry,
  parseEntry,
  type AugmentedDependency,
  type AugmentedEntry,
} from './augmented-entry.js';
export { AugmentedRepo, type Author, type OpenAugmentedRepoOptions } from './augmented-repo.js';
export { AugmentedSnapshot, type OpenAugmentedSnapshotOptions } from './augmented-snapshot.js';
export {
  checkDrift,
  type AugmentedLines,
  type DriftCheckOptions,
  type DriftExample,
  type DriftProgress,
  type DriftReport,
  type Finding,
} from './drift-check.js';
export type { RepoBackend } from './repo-git.js';
export { AUGMENTED_FORMAT } from './repo-location.js';
export { PENDING_PATH, type AugmentedState } from './repo-state.js';
export {
  readAugmentedStatus,
  type AugmentedCommit,
  type AugmentedStatus,
  type ReadAugmentedStatusOptions,
} from './repo-status.js';
export { MANIFEST_MISMATCH, MAX_CRATE_BYTES, type CrateParser } from './entry-generator.js';
export { planBackfill, type BackfillPlan, type OriginalCommit } from './backfill-plan.js';
export {
  crateFacts,
  entryFromCrate,
  errorEntry,
  type CrateFacts,
  type OriginalVersion,
} from './entry-from-crate.js';
export { CrateParserPool } from './crate-parser-pool.js';
export { AugmentedIndexError, type AugmentedIndexErrorCode, type ErrorKind } from './errors.js';
export { joinFile, type JoinedFile, type Need, type Slot } from './join.js';
export {
  backfill,
  type BackfillOptions,
  type BackfillProgress,
  type BackfillRecorder,
  type BackfillSummary,
  type CrateSource,
} from './backfill.js';
