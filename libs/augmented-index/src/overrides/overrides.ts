/**
 * Corrections an operator commits into the augmented repository: `.ais/overrides.json` sets a
 * field's value for given versions of a crate, with a reason. The generator never overwrites an
 * overridden value: a line holds the override's value under the field's name and says so in its
 * `overrides` map (`{"<field>": {"reason": "..."}}`), which `@lcs/snapshot` hands to consumers.
 * Removing an override makes the next run generate the field again on those lines.
 *
 * ```json
 * { "overrides": [
 *   { "crate": "foo", "versions": ["1.0.0", "1.0.1"], "field": "license",
 *     "value": "MIT OR Apache-2.0", "reason": "the 1.0 manifests name a license file only" }
 * ] }
 * ```
 *
 * `versions` is a list of exact versions or `"*"` (every version); `crate` is matched without
 * regard to case, as crates.io does. A run applies a changed file to the crates it names, old and
 * new (`config.json` records which it applied), so a correction costs those crates' files.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AugmentedIndexError } from '../errors.js';
import { INDEX_KEYS, LINE_KEYS } from '../fields/field-set.js';
import { MAX_FIELD_VALUE_BYTES } from '../entry/entry-generator.js';

/** Where the overrides live in the augmented tree (a dot directory: no crate's file). */
export const OVERRIDES_PATH = '.ais/overrides.json';

/** Largest overrides file read. */
const MAX_OVERRIDES_BYTES = 16 * 1024 * 1024;

/** One correction: `field` of `crate` at `versions` is `value`, because `reason`. */
export interface FieldOverride {
  readonly crate: string;
  /** Exact versions, or `'*'` for every version of the crate. */
  readonly versions: readonly string[] | '*';
  readonly field: string;
  /** Any JSON value; `null` is a value too. */
  readonly value: unknown;
  readonly reason: string;
}

/** What a line records of an override it holds. */
export interface AppliedOverride {
  readonly reason: string;
}

/** What `config.json` records of the overrides a run applied. */
export interface AppliedOverrides {
  /** sha256 of the overrides file's bytes. */
  readonly sha256: string;
  /** The crates it names, lowercased and sorted. */
  readonly crates: readonly string[];
}

const overrideSchema = z.strictObject({
  crate: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'a crate name'),
  versions: z.union([z.literal('*'), z.array(z.string().min(1).max(200)).min(1)]),
  field: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,63}$/, 'a field name ([a-z][a-z0-9_]*)')
    .refine((f) => !LINE_KEYS.includes(f), 'a key of the line format, not a field')
    .refine(
      (f) => !INDEX_KEYS.includes(f) || f === 'rust_version' || f === 'links',
      "a key of the registry index: a snapshot keeps the index's own value",
    ),
  value: z.json(),
  reason: z.string().trim().min(1).max(500),
});

const fileSchema = z.strictObject({ overrides: z.array(z.unknown()) });

/** The overrides of one commit, looked up by crate and version. */
export class Overrides {
  /** Every override, in file order. */
  readonly list: readonly FieldOverride[];
  /** sha256 of the file, or `null` when there is none. */
  readonly sha256: string | null;
  readonly #byCrate: ReadonlyMap<string, readonly FieldOverride[]>;

  private constructor(list: readonly FieldOverride[], sha256: string | null) {
    this.list = list;
    this.sha256 = sha256;
    const byCrate = new Map<string, FieldOverride[]>();
    for (const o of list) {
      const key = o.crate.toLowerCase();
      const all = byCrate.get(key) ?? [];
      all.push(o);
      byCrate.set(key, all);
    }
    this.#byCrate = byCrate;
  }

  /** No overrides. */
  static readonly none: Overrides = new Overrides([], null);

  /**
   * Parses the overrides file's text (`undefined`: no file).
   * @throws {AugmentedIndexError} `AUGMENTED_OVERRIDES_INVALID` naming the file and the entry.
   */
  static parse(text: string | undefined, source = OVERRIDES_PATH): Overrides {
    if (text === undefined) return Overrides.none;
    const invalid = (where: string, reason: string) =>
      new AugmentedIndexError(
        'AUGMENTED_OVERRIDES_INVALID',
        source,
        `${source}${where}: ${reason}`,
      );
    if (text.length > MAX_OVERRIDES_BYTES)
      throw invalid('', `${text.length} bytes, over ${MAX_OVERRIDES_BYTES}`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw invalid('', `not JSON: ${(error as Error).message}`);
    }
    const file = fileSchema.safeParse(json);
    if (!file.success) throw invalid('', 'expected {"overrides": [...]} and nothing else');
    const list: FieldOverride[] = [];
    const byKey = new Map<string, number[]>();
    file.data.overrides.forEach((raw, i) => {
      const where = ` overrides[${i}]`;
      const parsed = overrideSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw invalid(where, `${issue?.path.join('.') || 'entry'}: ${issue?.message ?? 'invalid'}`);
      }
      const o = { ...parsed.data, reason: parsed.data.reason.trim() };
      const size = JSON.stringify(o.value).length;
      if (size > MAX_FIELD_VALUE_BYTES)
        throw invalid(where, `value is ${size} bytes of JSON, over ${MAX_FIELD_VALUE_BYTES}`);
      // Two overrides of one field of one version would make the outcome depend on their order.
      const key = `${o.crate.toLowerCase()}\0${o.field}`;
      const same = byKey.get(key) ?? [];
      for (const j of same) {
        const p = list[j] as FieldOverride;
        if (
          p.versions === '*' ||
          o.versions === '*' ||
          p.versions.some((v) => o.versions.includes(v))
        )
          throw invalid(
            where,
            `${o.crate} ${o.field} is already set for these versions by overrides[${j}]`,
          );
      }
      byKey.set(key, [...same, i]);
      list.push(o);
    });
    return new Overrides(list, createHash('sha256').update(text).digest('hex'));
  }

  /** The lowercased names of the crates these overrides name, sorted. */
  crates(): string[] {
    return [...this.#byCrate.keys()].sort();
  }

  /** What `config.json` records once these are applied (`undefined`: none). */
  applied(): AppliedOverrides | undefined {
    return this.sha256 ? { sha256: this.sha256, crates: this.crates() } : undefined;
  }

  /** The overrides of one crate, by version (`undefined` when it has none: the common case). */
  forCrate(name: string): ((vers: string) => readonly FieldOverride[]) | undefined {
    const all = this.#byCrate.get(name.toLowerCase());
    if (!all) return undefined;
    return (vers) => all.filter((o) => o.versions === '*' || o.versions.includes(vers));
  }
}

/**
 * Whether a line holds exactly `wanted` (values and reasons), so it need not be rewritten.
 * Values are compared as JSON: the override's value is written as the file gives it.
 */
export function holdsOverrides(
  line: Readonly<Record<string, unknown>>,
  wanted: readonly FieldOverride[],
): boolean {
  const held = line['overrides'];
  const record =
    held !== null && typeof held === 'object' && !Array.isArray(held)
      ? (held as Record<string, AppliedOverride | undefined>)
      : {};
  const names = Object.keys(record);
  if (names.length !== wanted.length) return false;
  return wanted.every(
    (o) =>
      record[o.field]?.reason === o.reason &&
      JSON.stringify(line[o.field]) === JSON.stringify(o.value),
  );
}

/** The fields a line records as overridden (its `overrides` map's keys). */
export function overriddenFields(line: Readonly<Record<string, unknown>>): string[] {
  const held = line['overrides'];
  return held !== null && typeof held === 'object' && !Array.isArray(held) ? Object.keys(held) : [];
}
