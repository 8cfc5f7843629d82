/**
 * Joining one crate's original index file with its augmented file: which lines stay as they are,
 * which versions need an entry generated, and which augmented lines are dropped.
 */
import { AUGMENTED_SCHEMA, parseEntry } from './augmented-entry.js';
import type { OriginalVersion } from './entry-from-crate.js';

/** Why a version needs an entry (for counters and logs). */
export type Need = 'missing' | 'invalid' | 'stale' | 'old-schema';

/** One slot of the joined file, in the original file's order. */
export type Slot =
  | { readonly version: OriginalVersion; readonly keep: string }
  | {
      readonly version: OriginalVersion;
      readonly need: Need;
      readonly previous?: Record<string, unknown>;
    };

/** The joined file. */
export interface JoinedFile {
  readonly slots: Slot[];
  /** Augmented lines whose version no longer exists in the original index. */
  readonly dropped: number;
}

/** Joins the original versions (file order) with the augmented file's lines. */
export function joinFile(
  original: readonly OriginalVersion[],
  augmentedText: string | undefined,
): JoinedFile {
  const byVers = new Map<
    string,
    { line: string; entry: ReturnType<typeof parseEntry>; raw: unknown }
  >();
  for (const line of (augmentedText ?? '').split('\n')) {
    if (line.trim() === '') continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      raw = undefined;
    }
    const vers = (raw as { vers?: unknown } | undefined)?.vers;
    if (typeof vers === 'string') byVers.set(vers, { line, entry: parseEntry(line), raw });
  }
  const slots: Slot[] = [];
  const used = new Set<string>();
  for (const version of original) {
    used.add(version.vers);
    const found = byVers.get(version.vers);
    if (!found) {
      slots.push({ version, need: 'missing' });
      continue;
    }
    const previous = (found.raw ?? {}) as Record<string, unknown>;
    if (!found.entry) slots.push({ version, need: 'invalid', previous });
    else if (found.entry.cksum !== version.cksum) slots.push({ version, need: 'stale', previous });
    else if (found.entry.schema < AUGMENTED_SCHEMA)
      slots.push({ version, need: 'old-schema', previous });
    else slots.push({ version, keep: found.line });
  }
  const dropped = [...byVers.keys()].filter((v) => !used.has(v)).length;
  return { slots, dropped };
}
