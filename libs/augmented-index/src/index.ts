/**
 * `@lcs/augmented-index`: the augmented crates index (dev-dependencies and more, one JSON line per
 * version, laid out like crates.io-index): schema, fields (built-in and plug-in), entry generation,
 * join, and the git repository.
 * @packageDocumentation
 */
export {
  AUGMENTED_SCHEMA,
  formatEntry,
  parseEntry,
  type AugmentedDependency,
  type AugmentedEntry,
} from './entry/augmented-entry.js';
export {
  AugmentedRepo,
  type Author,
  type OpenAugmentedRepoOptions,
} from './repo/augmented-repo.js';
export { AugmentedSnapshot, type OpenAugmentedSnapshotOptions } from './repo/augmented-snapshot.js';
export {
  checkDrift,
  type AugmentedLines,
  type DriftCheckOptions,
  type DriftExample,
  type DriftProgress,
  type DriftReport,
  type Finding,
} from './drift/drift-check.js';
export type { RepoBackend } from './git/repo-git.js';
export { AUGMENTED_FORMAT } from './repo/repo-location.js';
export { PENDING_PATH, type AugmentedState } from './repo/repo-state.js';
export {
  readAugmentedStatus,
  type AugmentedCommit,
  type AugmentedStatus,
  type ReadAugmentedStatusOptions,
} from './repo/repo-status.js';
export {
  MANIFEST_MISMATCH,
  MAX_CRATE_BYTES,
  MAX_FIELD_VALUE_BYTES,
  type CrateParser,
  type OriginalVersion,
} from './entry/entry-generator.js';
export {
  defineField,
  type CrateFacts,
  type CrateField,
  type CrateFieldInput,
  type Field,
  type IndexField,
  type IndexFieldInput,
} from './fields/field.js';
export { FieldSet, type FieldOrigin } from './fields/field-set.js';
export { loadFieldModules } from './fields/load-fields.js';
export { OVERRIDES_PATH, type AppliedOverride, type FieldOverride } from './overrides/overrides.js';
export {
  reportFields,
  type FieldCounts,
  type FieldReport,
  type FieldReportOptions,
} from './report/field-report.js';
export { CrateParserPool } from './backfill/crate-parser-pool.js';
export { AugmentedIndexError, type AugmentedIndexErrorCode, type ErrorKind } from './errors.js';
export {
  backfill,
  type BackfillOptions,
  type BackfillProgress,
  type BackfillRecorder,
  type BackfillSummary,
  type CrateSource,
} from './backfill/backfill.js';
