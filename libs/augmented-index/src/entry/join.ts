/**
 * Joining one crate's original index file with its augmented file: which lines stay as they are,
 * which versions need fields generated (and which fields), and which augmented lines are dropped.
 * A line is rewritten only when a field of the run's set is absent from it or of a lower version,
 * or when it describes other bytes (a new cksum), or when it does not hold exactly the operator's
 * overrides of its version: a field added to the set costs that field, a correction its versions.
 */
import type { IndexEntry } from '@lcs/index-reader';
import type { Field } from '../fields/field.js';
import type { FieldSet } from '../fields/field-set.js';
import {
  holdsOverrides,
  overriddenFields,
  Overrides,
  type FieldOverride,
} from '../overrides/overrides.js';
import { entryFromJson, type AugmentedEntry } from './augmented-entry.js';

/** Why a version needs fields generated (for counters and logs). */
export type Need = 'missing' | 'invalid' | 'stale' | 'fields' | 'overrides';

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
      /** The fields to generate: all of the set unless `need` is `fields` or `overrides`. */
      readonly fields: readonly Field[];
      /** The operator's overrides of this version (applied over what is generated). */
      readonly overrides: readonly FieldOverride[];
    };

/** The joined file. */
export interface JoinedFile {
  readonly slots: Slot[];
  /** Augmented lines whose version no longer exists in the original index. */
  readonly dropped: number;
}

const NONE: readonly FieldOverride[] = Object.freeze([]);

/** Joins the original versions (file order) with the augmented file's lines. */
export function joinFile(
  original: readonly IndexEntry[],
  augmentedText: string | undefined,
  set: FieldSet,
  overrides: Overrides = Overrides.none,
): JoinedFile {
  const forCrate = original[0] ? overrides.forCrate(original[0].name) : undefined;
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
  // An overridden field is never generated, so never a reason to read the crate.
  const unless = (fields: readonly Field[], wanted: readonly FieldOverride[]) =>
    wanted.length === 0 ? fields : fields.filter((f) => !wanted.some((o) => o.field === f.name));
  const used = new Set<string>();
  for (const index of original) {
    used.add(index.vers);
    const found = byVers.get(index.vers);
    const wanted = forCrate?.(index.vers) ?? NONE;
    if (!found) {
      slots.push({ index, need: 'missing', fields: unless(set.fields, wanted), overrides: wanted });
      continue;
    }
    const previous = (found.raw ?? {}) as Record<string, unknown>;
    if (!found.entry)
      slots.push({
        index,
        need: 'invalid',
        previous,
        fields: unless(set.fields, wanted),
        overrides: wanted,
      });
    else if (found.entry.cksum !== index.cksum)
      slots.push({
        index,
        need: 'stale',
        previous,
        fields: unless(set.fields, wanted),
        overrides: wanted,
      });
    else {
      const behind = set.behind(set.recorded(found.entry));
      // The common case, a line no override ever touched, costs one key lookup.
      const corrected =
        (wanted.length === 0 && found.entry.overrides === undefined) ||
        holdsOverrides(found.entry, wanted);
      if (!corrected) {
        // Fields whose override was removed are generated again.
        const released = overriddenFields(found.entry).filter(
          (name) => set.has(name) && !wanted.some((o) => o.field === name),
        );
        const fields = unless(
          set.fields.filter((f) => released.includes(f.name) || behind.includes(f)),
          wanted,
        );
        slots.push({
          index,
          need: 'overrides',
          previous,
          fields,
          line: found.line,
          overrides: wanted,
        });
      } else if (behind.length)
        slots.push({
          index,
          need: 'fields',
          previous,
          fields: unless(behind, wanted),
          line: found.line,
          overrides: wanted,
        });
      else slots.push({ index, keep: found.line });
    }
  }
  const dropped = [...byVers.keys()].filter((v) => !used.has(v)).length;
  return { slots, dropped };
}
