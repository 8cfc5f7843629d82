/**
 * Joining one crate's original index file with its augmented file: which lines stay as they are,
 * which versions need fields generated (and which fields), and which augmented lines are dropped.
 * A line is rewritten only when a field of the run's set is absent from it or of a lower version,
 * or when it describes other bytes (a new cksum): a field added to the set costs that field.
 */
import type { IndexEntry } from '@lcs/index-reader';
import type { Field } from '../fields/field.js';
import type { FieldSet } from '../fields/field-set.js';
import { entryFromJson, type AugmentedEntry } from './augmented-entry.js';

/** Why a version needs fields generated (for counters and logs). */
export type Need = 'missing' | 'invalid' | 'stale' | 'fields';

/** One slot of the joined file, in the original file's order. */
export type Slot =
  | { readonly index: IndexEntry; readonly keep: string }
  | {
      readonly index: IndexEntry;
      readonly need: Need;
      /** The line as it stands (for `invalid`, whatever parsed of it). */
      readonly previous?: Record<string, unknown>;
      /** For `fields`: the line's text, kept as it is when nothing can be generated this run. */
      readonly line?: string;
      /** The fields to generate: all of the set unless `need` is `fields`. */
      readonly fields: readonly Field[];
    };

/** The joined file. */
export interface JoinedFile {
  readonly slots: Slot[];
  /** Augmented lines whose version no longer exists in the original index. */
  readonly dropped: number;
}

/** Joins the original versions (file order) with the augmented file's lines. */
export function joinFile(
  original: readonly IndexEntry[],
  augmentedText: string | undefined,
  set: FieldSet,
): JoinedFile {
  const byVers = new Map<
    string,
    { line: string; entry: AugmentedEntry | undefined; raw: unknown }
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
    if (typeof vers === 'string') byVers.set(vers, { line, entry: entryFromJson(raw), raw });
  }
  const slots: Slot[] = [];
  const used = new Set<string>();
  for (const index of original) {
    used.add(index.vers);
    const found = byVers.get(index.vers);
    if (!found) {
      slots.push({ index, need: 'missing', fields: set.fields });
      continue;
    }
    const previous = (found.raw ?? {}) as Record<string, unknown>;
    if (!found.entry) slots.push({ index, need: 'invalid', previous, fields: set.fields });
    else if (found.entry.cksum !== index.cksum)
      slots.push({ index, need: 'stale', previous, fields: set.fields });
    else {
      const behind = set.behind(set.recorded(found.entry));
      if (behind.length)
        slots.push({ index, need: 'fields', previous, fields: behind, line: found.line });
      else slots.push({ index, keep: found.line });
    }
  }
  const dropped = [...byVers.keys()].filter((v) => !used.has(v)).length;
  return { slots, dropped };
}
