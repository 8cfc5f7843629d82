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
export { entryFromCrate, errorEntry, type OriginalVersion } from './entry-from-crate.js';
export { AugmentedIndexError, type AugmentedIndexErrorCode } from './errors.js';
export { joinFile, type JoinedFile, type Need, type Slot } from './join.js';
export {
  backfill,
  type BackfillOptions,
  type BackfillRecorder,
  type BackfillSummary,
  type CrateSource,
} from './backfill.js';
