/**
 * Which crate files a run must join. Incremental when the augmented index records the original
 * commit it is complete for and that commit can still be read: the files changed since then (a
 * tree diff, cost follows the change) plus the pending ones. A full join otherwise: on request
 * (`--full`), before the first complete run, when the recorded commit is gone (the original was
 * squashed, or a fresh clone lacks it), when a field was added or its version rose since the last
 * complete join (`config.json`'s `fields`), or for an original without commits.
 */
import { diffIndex, indexPath, IndexSourceError, type GitObjectStore } from '@lcs/index-reader';
import { legacyVersions, type FieldSet } from '../fields/field-set.js';
import type { AugmentedState } from '../repo/repo-state.js';
import type { AppliedOverrides, Overrides } from '../overrides/overrides.js';

/** The original index at one commit, with what an incremental join needs. */
export interface OriginalCommit {
  readonly oid: string;
  /** Objects of the original index (a tree diff reads them). */
  readonly store: GitObjectStore;
}

/** What a run plans from: the recorded progress and the fields of the last complete join. */
export type RecordedState = AugmentedState & {
  readonly schema: number | null;
  /** `config.json`'s `fields`; `null` before per-field versions (the built-ins at 1). */
  readonly fields: Readonly<Record<string, number>> | null;
  /** `config.json`'s `overrides`: what the last run applied; `null`: none. */
  readonly overrides: AppliedOverrides | null;
};

/** The run's plan. */
export type BackfillPlan =
  | { readonly mode: 'full'; readonly reason: string }
  | { readonly mode: 'incremental'; readonly since: string; readonly paths: readonly string[] };

/** Decides the plan from the augmented index's recorded state. */
export async function planBackfill(
  state: RecordedState,
  original: OriginalCommit | undefined,
  full: boolean,
  set: FieldSet,
  overrides?: Overrides,
): Promise<BackfillPlan> {
  if (full) return { mode: 'full', reason: 'asked for (--full)' };
  if (!original) return { mode: 'full', reason: 'the original index is not a git commit' };
  if (!state.original) return { mode: 'full', reason: 'no complete run recorded yet' };
  // An index from before per-field versions holds the built-in fields at version 1.
  const behind = set.describeBehind(state.fields ?? legacyVersions());
  if (behind) return { mode: 'full', reason: behind };
  if ((await original.store.readObject(state.original))?.type !== 'commit')
    return {
      mode: 'full',
      reason: `recorded original commit ${state.original} is not in the original index (squashed?)`,
    };
  const paths = new Set(state.pending);
  // Changed overrides: the files of the crates named before or now (a correction costs those).
  if (overrides && (overrides.sha256 ?? null) !== (state.overrides?.sha256 ?? null))
    for (const crate of [...(state.overrides?.crates ?? []), ...overrides.crates()]) {
      try {
        paths.add(indexPath(crate));
      } catch {
        // A hand-edited config.json naming no crate: nothing of it to revisit.
      }
    }
  if (state.original !== original.oid) {
    try {
      for await (const diff of diffIndex(original.store, state.original, original.oid))
        paths.add(diff.path);
    } catch (error) {
      // The commit is there but not all of its trees (a shallow clone can hold a commit whose
      // history it never fetched): the join cannot be incremental, and a full one is still right.
      if (!(error instanceof IndexSourceError)) throw error;
      return { mode: 'full', reason: `cannot diff from ${state.original}: ${error.message}` };
    }
  }
  return { mode: 'incremental', since: state.original, paths: [...paths].sort() };
}
