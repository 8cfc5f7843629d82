/**
 * What the augmented index records about its own progress, so a run costs what changed:
 * - the original index commit it is complete up to, as a trailer of each commit message
 *   (`AIS-Original-Commit: <oid>`, or `none` while a full join has not completed);
 * - the pending list: the crate files with versions a run could not do yet (crate not in the store,
 *   deferred by `--max-crates` or a stop), one path per line in `.ais/pending`. Crate names never
 *   start with a dot, so the file can be no crate's, and index readers skip dot directories.
 * Both live in the commit itself, so they move atomically with the entries they describe.
 */

/** Where the pending list lives in the augmented tree. */
export const PENDING_PATH = '.ais/pending';

const TRAILER = 'AIS-Original-Commit';

/** The progress an augmented commit records. */
export interface AugmentedState {
  /** Every crate file not in `pending` is complete for this original commit; `null`: unknown. */
  readonly original: string | null;
  /** Crate files with work left (sorted, unique). */
  readonly pending: readonly string[];
}

/** The recorded original commit of a commit message; `null` when there is none. */
export function originalFromMessage(message: string): string | null {
  const match = new RegExp(`^${TRAILER}: ([0-9a-f]{40})$`, 'm').exec(message);
  return match?.[1] ?? null;
}

/** Whether a message carries the trailer at all (`none` included): a backfiller's commit. */
export function hasTrailer(message: string): boolean {
  return new RegExp(`^${TRAILER}: `, 'm').test(message);
}

/** A commit message with its trailer (https://git-scm.com/docs/git-interpret-trailers). */
export function messageWithState(message: string, original: string | null): string {
  return `${message.trimEnd()}\n\n${TRAILER}: ${original ?? 'none'}\n`;
}

/** Parses the pending file (unknown lines are kept: they are re-joined and then dropped). */
export function parsePending(text: string | undefined): string[] {
  return [...new Set((text ?? '').split('\n').filter(Boolean))].sort();
}

/** The pending file's text, or `undefined` (no file) when nothing is pending. */
export function formatPending(paths: Iterable<string>): string | undefined {
  const sorted = [...new Set(paths)].sort();
  return sorted.length ? `${sorted.join('\n')}\n` : undefined;
}
