/**
 * One line of the augmented index: what a resolver needs about a crate version and the registry
 * index does not say, first of all its dev-dependencies as its own Cargo.toml declares them.
 * Each value is a field (built-in or another team's, `fields/`), and the line records the version
 * of each field it holds in `fields` and each field's failure in `field_errors`.
 *
 * Schema versions: 1 = the built-in fields without a `fields` map (read as each at version 1);
 * 2 = with `fields` and `field_errors`. Lines of both are valid; a run rewrites a line only when
 * one of its fields must be generated.
 */
import { z } from 'zod';

/** The schema version this library writes. */
export const AUGMENTED_SCHEMA = 2;

/** A dependency in the registry index's shape (https://doc.rust-lang.org/cargo/reference/registry-index.html#json-schema). */
export const augmentedDependencySchema = z.looseObject({
  name: z.string(),
  req: z.string(),
  features: z.array(z.string()),
  optional: z.boolean(),
  default_features: z.boolean(),
  target: z.string().nullable(),
  kind: z.enum(['normal', 'dev', 'build']),
  package: z.string().optional(),
  registry: z.string().optional(),
});

/** A field's failure, as a line records it. */
const fieldErrorSchema = z.object({ code: z.string(), message: z.string() });

/** The schema of one line. Unknown fields are kept (`looseObject`) and survive a rewrite. */
export const augmentedEntrySchema = z.looseObject({
  name: z.string().min(1),
  vers: z.string().min(1),
  cksum: z.string().regex(/^[0-9a-f]{64}$/),
  schema: z.number().int().nonnegative(),
  dev_deps: z.array(augmentedDependencySchema).optional(),
  edition: z.string().optional(),
  rust_version: z.string().optional(),
  license: z.string().optional(),
  links: z.string().optional(),
  targets: z
    .object({
      lib: z
        .object({ name: z.string(), proc_macro: z.boolean(), crate_types: z.array(z.string()) })
        .optional(),
      bins: z.array(z.string()),
    })
    .optional(),
  build_script: z.boolean().optional(),
  cargo_lock: z.boolean().optional(),
  error: fieldErrorSchema.optional(),
  /** The version of each field the line holds (schema 2). */
  fields: z.record(z.string(), z.number().int().positive()).optional(),
  /** Each field that failed on this version: its code and message (schema 2). */
  field_errors: z.record(z.string(), fieldErrorSchema).optional(),
  /** Each field whose value an operator set in `.ais/overrides.json`, with the reason. */
  overrides: z.record(z.string(), z.looseObject({ reason: z.string() })).optional(),
});

/** One augmented entry. */
export type AugmentedEntry = z.infer<typeof augmentedEntrySchema>;
/** One dependency of an entry. */
export type AugmentedDependency = z.infer<typeof augmentedDependencySchema>;

/**
 * The fields this library generates, in the order they are written (unknown fields follow,
 * sorted, for byte-stable output). A rewrite replaces exactly these and keeps the others.
 */
export const ENTRY_KEYS: readonly string[] = [
  'name',
  'vers',
  'cksum',
  'schema',
  'dev_deps',
  'edition',
  'rust_version',
  'license',
  'links',
  'targets',
  'build_script',
  'cargo_lock',
  'error',
  'fields',
  'field_errors',
  'overrides',
];
const DEP_ORDER = [
  'name',
  'req',
  'features',
  'optional',
  'default_features',
  'target',
  'kind',
  'package',
  'registry',
];

const KNOWN = new WeakMap<readonly string[], ReadonlySet<string>>();

function ordered(
  value: Record<string, unknown>,
  order: readonly string[],
): Record<string, unknown> {
  let known = KNOWN.get(order);
  if (!known) KNOWN.set(order, (known = new Set(order)));
  const out: Record<string, unknown> = {};
  for (const key of order) if (value[key] !== undefined) out[key] = value[key];
  const rest: string[] = [];
  for (const key in value) if (!known.has(key)) rest.push(key);
  for (const key of rest.sort()) if (value[key] !== undefined) out[key] = value[key];
  return out;
}

/** The JSON line of an entry, keys in a fixed order: the same entry always gives the same bytes. */
export function formatEntry(entry: AugmentedEntry): string {
  const deps = entry.dev_deps?.map((d) => ordered(d, DEP_ORDER));
  return JSON.stringify(ordered({ ...entry, dev_deps: deps }, ENTRY_KEYS));
}

/** Parses a line; `undefined` when it is not a valid entry (it is then regenerated). */
export function parseEntry(line: string): AugmentedEntry | undefined {
  try {
    return entryFromJson(JSON.parse(line));
  } catch {
    return undefined;
  }
}

/** The entry a line's parsed JSON is, or `undefined` (for a caller that parsed it already). */
export function entryFromJson(value: unknown): AugmentedEntry | undefined {
  // The common case, a line as this library writes it, is checked by hand (the schema's parse of
  // 2 M lines took about 6 s of a full join); anything else goes through the schema.
  if (isWrittenEntry(value)) return value;
  const result = augmentedEntrySchema.safeParse(value);
  return result.success ? result.data : undefined;
}

const CKSUM = /^[0-9a-f]{64}$/;
const DEP_KINDS = new Set(['normal', 'dev', 'build']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (const item of value) if (typeof item !== 'string') return false;
  return true;
}

/** Only `keys` are present: a strict schema would drop the others, so the schema must run. */
function onlyKeys(value: Record<string, unknown>, keys: ReadonlySet<string>): boolean {
  for (const key in value) if (!keys.has(key)) return false;
  return true;
}

const optional = (value: unknown, check: (v: unknown) => boolean) =>
  value === undefined || check(value);
const isString = (v: unknown) => typeof v === 'string';
const isBoolean = (v: unknown) => typeof v === 'boolean';

const ERROR_KEYS = new Set(['code', 'message']);
const TARGETS_KEYS = new Set(['lib', 'bins']);
const LIB_KEYS = new Set(['name', 'proc_macro', 'crate_types']);

function isFieldError(v: unknown): boolean {
  return (
    isObject(v) &&
    typeof v['code'] === 'string' &&
    typeof v['message'] === 'string' &&
    onlyKeys(v, ERROR_KEYS)
  );
}

function isDependency(d: unknown): boolean {
  return (
    isObject(d) &&
    typeof d['name'] === 'string' &&
    typeof d['req'] === 'string' &&
    isStringArray(d['features']) &&
    typeof d['optional'] === 'boolean' &&
    typeof d['default_features'] === 'boolean' &&
    (d['target'] === null || typeof d['target'] === 'string') &&
    DEP_KINDS.has(d['kind'] as string) &&
    optional(d['package'], isString) &&
    optional(d['registry'], isString)
  );
}

function isTargets(t: unknown): boolean {
  if (!isObject(t) || !onlyKeys(t, TARGETS_KEYS) || !isStringArray(t['bins'])) return false;
  const lib = t['lib'];
  return (
    lib === undefined ||
    (isObject(lib) &&
      onlyKeys(lib, LIB_KEYS) &&
      typeof lib['name'] === 'string' &&
      typeof lib['proc_macro'] === 'boolean' &&
      isStringArray(lib['crate_types']))
  );
}

function isRecordOf(value: unknown, check: (v: unknown) => boolean): boolean {
  if (!isObject(value)) return false;
  for (const key in value) if (!check(value[key])) return false;
  return true;
}

/**
 * `true` when `value` satisfies {@link augmentedEntrySchema} and the schema would return it
 * unchanged (no key its strict parts drop). `augmented-entry.spec.ts` holds this equal to the
 * schema on every kind of value in every position.
 */
export function isWrittenEntry(value: unknown): value is AugmentedEntry {
  if (!isObject(value)) return false;
  const { name, vers, cksum, schema, dev_deps: deps } = value;
  if (typeof name !== 'string' || name.length === 0) return false;
  if (typeof vers !== 'string' || vers.length === 0) return false;
  if (typeof cksum !== 'string' || !CKSUM.test(cksum)) return false;
  if (!Number.isSafeInteger(schema) || (schema as number) < 0) return false;
  if (deps !== undefined) {
    if (!Array.isArray(deps)) return false;
    for (const d of deps) if (!isDependency(d)) return false;
  }
  return (
    optional(value['edition'], isString) &&
    optional(value['rust_version'], isString) &&
    optional(value['license'], isString) &&
    optional(value['links'], isString) &&
    optional(value['targets'], isTargets) &&
    optional(value['build_script'], isBoolean) &&
    optional(value['cargo_lock'], isBoolean) &&
    optional(value['error'], isFieldError) &&
    optional(value['fields'], (f) =>
      isRecordOf(f, (v) => Number.isSafeInteger(v) && (v as number) > 0),
    ) &&
    optional(value['field_errors'], (f) => isRecordOf(f, isFieldError)) &&
    optional(value['overrides'], (o) =>
      isRecordOf(o, (v) => isObject(v) && typeof v['reason'] === 'string'),
    )
  );
}
