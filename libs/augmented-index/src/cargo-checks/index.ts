/**
 * `@lcs/augmented-index/cargo-checks`: two opt-in crate fields, what only the crate knows about
 * itself: `stripped_dev_deps` (the path-only and git-only dev-dependencies `cargo package`
 * removed, from `Cargo.toml.orig`) and `index_mismatch` (where the index entry disagrees with the
 * published manifest). Opt in with `ais-backfiller run --fields-module
 * @lcs/augmented-index/cargo-checks`, or pass {@link cargoChecks} to `backfill`'s `fields`. They
 * are not built in because a new built-in field makes every deployment read every crate again.
 * @packageDocumentation
 */
import { indexMismatch } from './index-mismatch.js';
import { strippedDevDeps } from './stripped-dev-deps.js';

export {
  INDEX_MISMATCH_KINDS,
  indexMismatch,
  type ComparedDependency,
  type IndexMismatch,
  type IndexMismatchKind,
} from './index-mismatch.js';
export {
  strippedDevDeps,
  type StrippedDevDependency,
  type StrippedSource,
} from './stripped-dev-deps.js';

/** Both fields, as a field module's default export. */
export const cargoChecks = [strippedDevDeps, indexMismatch] as const;

export default cargoChecks;
