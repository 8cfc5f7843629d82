/**
 * Which crate files a run must join. Incremental when the augmented index records the original
 * commit it is complete for and that commit can still be read: the files changed since then (a
 * tree diff, cost follows the change) plus the pending ones. A full join otherwise: on request
 * (`--full`), before the first complete run, when the recorded commit is gone (the original was
 * squashed, or a fresh clone lacks it), when the schema rose, or for an original without commits.
 */
import { diffIndex, IndexSourceError, type GitObjectStore } from '@lcs/index-reader';
import { AUGMENTED_SCHEMA } from '../entry/augmented-entry.js';
import type { AugmentedState } from '../repo/repo-state.js';

/** The original index at one commit, with what an incremental join needs. */
export interface OriginalCommit {
  readonly oid: string;
  /** Objects of the original index (a tree diff reads them). */
  readonly store: GitObjectStore;
}

/** The run's plan. */
export type BackfillPlan =
  | { readonly mode: 'full'; readonly reason: string }
  | { readonly mode: 'incremental'; readonly since: string; readonly paths: readonly string[] };

/** Decides the plan from the augmented index's recorded state. */
export async function planBackfill(
  state: AugmentedState & { readonly schema: number | null },
  original: OriginalCommit | undefined,
  full: boolean,
): Promise<BackfillPlan> {
  if (full) return { mode: 'full', reason: 'asked for (--full)' };
  if (!original) return { mode: 'full', reason: 'the original index is not a git commit' };
  if (state.schema !== null && state.schema < AUGMENTED_SCHEMA)
    return { mode: 'full', reason: `schema ${state.schema} < ${AUGMENTED_SCHEMA}` };
  if (!state.original) return { mode: 'full', reason: 'no complete run recorded yet' };
  if ((await original.store.readObject(state.original))?.type !== 'commit')
    return {
      mode: 'full',
      reason: `recorded original commit ${state.original} is not in the original index (squashed?)`,
    };
  const paths = new Set(state.pending);
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
