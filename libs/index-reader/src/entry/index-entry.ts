import { z } from 'zod';

/**
 * Schema of one dependency inside an index line, after cargo's `RegistryDependency`
 * (https://doc.rust-lang.org/cargo/reference/registry-index.html#json-schema).
 * Unknown fields are kept (`looseObject`) so entries round-trip untouched.
 */
export const indexDependencySchema = z.looseObject({
  name: z.string().min(1),
  req: z.string(),
  features: z.array(z.string()),
  optional: z.boolean(),
  default_features: z.boolean(),
  target: z.string().nullish(),
  kind: z.string().nullish(),
  registry: z.string().nullish(),
  package: z.string().nullish(),
});

/**
 * Schema of one index line (one published version), after cargo's `IndexPackage`. Optional fields
 * are the ones cargo defaults; unknown fields (new ones such as `pubtime` appear over the years)
 * pass through untouched.
 */
export const indexEntrySchema = z.looseObject({
  name: z.string().min(1),
  vers: z.string().min(1),
  deps: z.array(indexDependencySchema),
  cksum: z.string().regex(/^[0-9a-f]{64}$/, 'cksum must be 64 lowercase hex digits'),
  features: z.record(z.string(), z.array(z.string())),
  features2: z.record(z.string(), z.array(z.string())).nullish(),
  yanked: z.boolean().nullish(),
  links: z.string().nullish(),
  v: z.number().int().nonnegative().nullish(),
  rust_version: z.string().nullish(),
  pubtime: z.string().nullish(),
});

const CKSUM = /^[0-9a-f]{64}$/;

/** A JSON object (not an array, not `null`). */
function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  if (!Array.isArray(value)) return false;
  for (const item of value) if (typeof item !== 'string') return false;
  return true;
}

function isFeatureMap(value: unknown): value is Record<string, string[]> {
  if (!isObject(value)) return false;
  for (const key in value) if (!isStringArray(value[key])) return false;
  return true;
}

const nullishString = (value: unknown) =>
  value === undefined || value === null || typeof value === 'string';

function isIndexDependency(value: unknown): boolean {
  return (
    isObject(value) &&
    typeof value['name'] === 'string' &&
    value['name'].length > 0 &&
    typeof value['req'] === 'string' &&
    isStringArray(value['features']) &&
    typeof value['optional'] === 'boolean' &&
    typeof value['default_features'] === 'boolean' &&
    nullishString(value['target']) &&
    nullishString(value['kind']) &&
    nullishString(value['registry']) &&
    nullishString(value['package'])
  );
}

/**
 * `true` when a parsed line satisfies {@link indexEntrySchema}, checked by hand. The schema's
 * parse cost as much as `JSON.parse` itself (about 12 s of a 2 M-line join), and a valid line is
 * the common case: it is returned as parsed, and only a line failing this check goes through the
 * schema, which says what is wrong. `index-entry.spec.ts` holds the two equal on every kind of
 * value in every position.
 */
export function isIndexEntry(raw: unknown): raw is IndexEntry {
  if (!isObject(raw)) return false;
  const { name, vers, deps, cksum, v } = raw;
  if (typeof name !== 'string' || name.length === 0) return false;
  if (typeof vers !== 'string' || vers.length === 0) return false;
  if (typeof cksum !== 'string' || !CKSUM.test(cksum)) return false;
  if (!Array.isArray(deps)) return false;
  for (const dep of deps) if (!isIndexDependency(dep)) return false;
  if (!isFeatureMap(raw['features'])) return false;
  const features2 = raw['features2'];
  if (features2 !== undefined && features2 !== null && !isFeatureMap(features2)) return false;
  const yanked = raw['yanked'];
  if (yanked !== undefined && yanked !== null && typeof yanked !== 'boolean') return false;
  if (v !== undefined && v !== null && !(Number.isSafeInteger(v) && (v as number) >= 0))
    return false;
  return (
    nullishString(raw['links']) &&
    nullishString(raw['rust_version']) &&
    nullishString(raw['pubtime'])
  );
}

/** One dependency of an index entry. */
export type IndexDependency = z.infer<typeof indexDependencySchema>;
/** One index line: one published version of a crate. */
export type IndexEntry = z.infer<typeof indexEntrySchema>;

/** The dependency kinds cargo distinguishes. */
export type DependencyKind = 'normal' | 'dev' | 'build';

/**
 * A dependency's kind as cargo reads it: `"dev"` and `"build"` are themselves, anything else
 * (absent, `null`, `"normal"`, an unknown future kind) is `normal`.
 */
export function dependencyKind(dep: Pick<IndexDependency, 'kind'>): DependencyKind {
  return dep.kind === 'dev' || dep.kind === 'build' ? dep.kind : 'normal';
}

/** `true` when the version is yanked (`yanked` absent means not yanked). */
export function isYanked(entry: Pick<IndexEntry, 'yanked'>): boolean {
  return entry.yanked === true;
}

/** The index format version of a line: `v` when present, 1 otherwise (cargo's default). */
export function formatVersion(entry: { v?: unknown }): number {
  return typeof entry.v === 'number' ? entry.v : 1;
}

/**
 * The feature map cargo uses: `features2` (features using `dep:` or `?/` syntax, kept apart so old
 * cargo versions do not choke on them) merged into `features`, `features2` winning on a clash as in
 * cargo's `features.extend(features2)`.
 */
export function mergedFeatures(
  entry: Pick<IndexEntry, 'features' | 'features2'>,
): Record<string, string[]> {
  if (!entry.features2) return entry.features;
  return { ...entry.features, ...entry.features2 };
}
