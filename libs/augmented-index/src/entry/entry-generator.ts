/**
 * Generating the fields of one version's augmented line. Index fields run on the index line
 * alone; crate fields share one read of the crate from the store: read it whole, check it is the
 * version the index names (sha256 against the index cksum), parse it (possibly on a worker
 * thread), check its manifest names the same package and version, then run each field.
 *
 * Only the fields asked for are generated; every other value of the line stays as it was. A field
 * that throws is recorded in `field_errors` and the line keeps its other fields. A crate that
 * cannot be read at all is recorded once, in `error`, and its index fields are still written.
 */
import { createHash } from 'node:crypto';
import {
  CargoManifestError,
  readCrateManifest,
  type CargoManifestErrorCode,
} from '@lcs/cargo-manifest';
import { crateFacts, crateFieldInput, type CrateFacts, type Field } from '../fields/field.js';
import type { FieldSet } from '../fields/field-set.js';
import { overriddenFields, type FieldOverride } from '../overrides/overrides.js';
import { AUGMENTED_SCHEMA, type AugmentedEntry } from './augmented-entry.js';

/** Largest `.crate` read (crates.io's own limit is 10 MB; a few crates got exceptions). */
export const MAX_CRATE_BYTES = 256 * 1024 * 1024;

/** Largest value of one field, as JSON: a field that returns more is recorded as failed. */
export const MAX_FIELD_VALUE_BYTES = 256 * 1024;

/** Where the backfiller reads crates: the LCS crate store (only `get` is needed). */
export interface CrateSource {
  get(ref: { name: string; version: string }): Promise<AsyncIterable<Uint8Array> | undefined>;
}

/** Parses a whole `.crate` (in this thread by default; a worker pool can stand in). */
export type CrateParser = (
  bytes: Uint8Array,
  expected: { name: string; version: string },
) => Promise<CrateFacts>;

/** Error-line code: the crate's `Cargo.toml` names another package or version than the index. */
export const MANIFEST_MISMATCH = 'CRATE_MANIFEST_MISMATCH';

/** What identifies the version in the original index. */
export interface OriginalVersion {
  readonly name: string;
  readonly vers: string;
  readonly cksum: string;
}

/** What to generate for one version. */
export interface GenerateRequest {
  /** The version's original index line, parsed (the input of every field). */
  readonly index: OriginalVersion & Readonly<Record<string, unknown>>;
  /** The line as it stands, if any (invalid lines give only their other teams' keys). */
  readonly previous?: Readonly<Record<string, unknown>>;
  /** `true` when `previous` describes other bytes (a new cksum) or is not a valid line. */
  readonly fresh: boolean;
  /** The fields to generate (every field of the set when `fresh`); overridden ones are not. */
  readonly fields: readonly Field[];
  /**
   * The operator's overrides of this version, applied over whatever is generated. `undefined`
   * keeps the ones the line holds (a check that only regenerates, such as the drift check).
   */
  readonly overrides?: readonly FieldOverride[];
}

/** What became of one version. */
export type Generated =
  /** Generated; `crateRead` says whether the crate was read, `fieldErrors` how many fields threw. */
  | {
      readonly kind: 'written';
      readonly entry: AugmentedEntry;
      readonly crateRead: boolean;
      readonly fieldErrors: number;
    }
  /** The crate is unreadable (`error`): recorded once, with the index fields. */
  | {
      readonly kind: 'failed';
      readonly entry: AugmentedEntry;
      readonly code: string;
      readonly message: string;
    }
  /**
   * The crate is not in the store (`missing`), or only a copy of other bytes (`stale`): the crate
   * fields wait. `entry` is the line with what could be generated (index fields), if any.
   */
  | { readonly kind: 'missing'; readonly entry: AugmentedEntry | undefined }
  | { readonly kind: 'stale'; readonly entry: AugmentedEntry | undefined };

/** The error line of a crate over {@link MAX_CRATE_BYTES} (this library's own code). */
export const CRATE_OVER_LIMIT = 'CRATE_TOO_LARGE';

const TOO_LARGE: ReadonlySet<string> = new Set<string>([
  'CRATE_GZIP_BOMB',
  'CRATE_MANIFEST_TOO_LARGE',
  CRATE_OVER_LIMIT,
] satisfies Array<CargoManifestErrorCode | typeof CRATE_OVER_LIMIT>);

/** The failure reason metric label of an error-line code. */
export function failureReason(code: string): 'too_large' | 'invalid_crate' {
  return TOO_LARGE.has(code) ? 'too_large' : 'invalid_crate';
}

/** Whether generating `fields` needs the crate. */
export function needsCrate(fields: readonly Field[]): boolean {
  return fields.some((f) => f.source === 'crate');
}

async function readWhole(stream: AsyncIterable<Uint8Array>): Promise<Buffer | undefined> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      size += chunk.byteLength;
      if (size > MAX_CRATE_BYTES) return undefined;
      chunks.push(chunk);
    }
  } finally {
    (stream as { destroy?: () => void }).destroy?.();
  }
  return Buffer.concat(chunks);
}

/** The default parser: in this thread. */
const parseHere: CrateParser = async (bytes, expected) =>
  crateFacts(await readCrateManifest(bytes, expected));

/** Generates `request.fields` of one version (see the file's comment for what is kept). */
export async function generateEntry(
  crates: CrateSource,
  request: GenerateRequest,
  set: FieldSet,
  parse: CrateParser = parseHere,
): Promise<Generated> {
  return new LineBuilder(request, set).generate(crates, parse);
}

/** One line being generated: its values, field versions and field errors, and the steps. */
class LineBuilder {
  readonly #request: GenerateRequest;
  readonly #set: FieldSet;
  readonly #line: Record<string, unknown>;
  readonly #versions: Record<string, number>;
  readonly #errors: Record<string, { code: string; message: string }>;
  /** The overrides the line ends with: field name to value and reason. */
  readonly #overrides: ReadonlyMap<string, { readonly value: unknown; readonly reason: string }>;
  #fieldErrors = 0;
  /** The line held overrides, or is to hold some. */
  readonly #overridesTouched: boolean;

  constructor(request: GenerateRequest, set: FieldSet) {
    this.#request = request;
    this.#set = set;
    const previous = request.previous ?? {};
    const line: Record<string, unknown> = {};
    // What is kept: on a fresh line only keys that are no field of this set (another team's data),
    // otherwise everything; the bookkeeping keys are rebuilt below.
    const held = previous['overrides'] as Record<string, { reason?: unknown }> | undefined;
    const heldNames = overriddenFields(previous);
    for (const [key, value] of Object.entries(previous)) {
      if (key === 'fields' || key === 'field_errors' || key === 'overrides') continue;
      // An override the operator removed: its value goes (the field is generated again if it is
      // one of the set's; another team's field is left without a value until their run).
      if (request.overrides && heldNames.includes(key)) continue;
      if (request.fresh && (set.has(key) || key === 'error' || key === 'schema')) continue;
      line[key] = value;
    }
    this.#line = line;
    const recorded = set.recorded(previous);
    this.#versions = request.fresh
      ? Object.fromEntries(Object.entries(recorded).filter(([name]) => !set.has(name)))
      : recorded;
    const errors = previous['field_errors'];
    this.#errors =
      !request.fresh && errors && typeof errors === 'object'
        ? { ...(errors as Record<string, { code: string; message: string }>) }
        : {};
    // A released override leaves its field behind (no version), so it is generated again, now
    // or, when its crate is not in the store yet, by a later run.
    if (request.overrides)
      for (const name of heldNames)
        if (!request.overrides.some((o) => o.field === name)) delete this.#versions[name];
    this.#overridesTouched = heldNames.length > 0 || (request.overrides?.length ?? 0) > 0;
    this.#overrides = new Map(
      request.overrides
        ? request.overrides.map((o) => [o.field, { value: o.value, reason: o.reason }])
        : heldNames.map((name) => [
            name,
            {
              value: previous[name],
              reason: String(held?.[name]?.reason ?? ''),
            },
          ]),
    );
  }

  async generate(crates: CrateSource, parse: CrateParser): Promise<Generated> {
    const { index } = this.#request;
    // The generator never overwrites an override: those fields are not generated at all.
    const fields = this.#request.fields.filter((f) => !this.#overrides.has(f.name));
    for (const field of fields) if (field.source === 'index') await this.run(field, { index });
    const crateFields = fields.filter((f) => f.source === 'crate');
    if (crateFields.length === 0) return this.#written(false);
    const { name, vers, cksum } = index;
    const stream = await crates.get({ name, version: vers });
    if (!stream) return this.#waiting('missing');
    const bytes = await readWhole(stream);
    if (!bytes)
      return this.#unreadable(
        CRATE_OVER_LIMIT,
        `${name}-${vers}.crate is over ${MAX_CRATE_BYTES} bytes`,
      );
    if (createHash('sha256').update(bytes).digest('hex') !== cksum) return this.#waiting('stale');
    let crate: CrateFacts;
    try {
      crate = await parse(bytes, { name, version: vers });
    } catch (error) {
      // Crates cargo itself would refuse become `error` lines; anything else fails the run. A parse
      // on a worker thread hands back the same class (`CargoManifestError.fromJSON`).
      if (!(error instanceof CargoManifestError)) throw error;
      return this.#unreadable(error.code, error.message);
    }
    const pkg = crate.manifest.package;
    if (pkg.name !== name || pkg.version !== vers)
      return this.#unreadable(
        MANIFEST_MISMATCH,
        `Cargo.toml is package ${pkg.name}@${pkg.version}, but the index names ${name}@${vers}`,
      );
    // A crate recorded as unreadable that reads now (a parser fix): every crate field is due.
    const due =
      'error' in this.#line
        ? this.#set.crateFields.filter((f) => !this.#overrides.has(f.name))
        : crateFields;
    delete this.#line['error'];
    const input = crateFieldInput(index, crate);
    for (const field of due) await this.run(field, input);
    return this.#written(true);
  }

  /** Runs one field and records its value, or its failure. */
  async run(field: Field, input: Parameters<Field['generate']>[0] & object): Promise<void> {
    let value: unknown;
    let failure: { code: string; message: string } | undefined;
    try {
      value = await (field.generate as (i: typeof input) => unknown)(input);
      if (value !== undefined) {
        const checked = jsonValue(value);
        if ('failure' in checked) failure = checked.failure;
        else value = checked.value;
      }
    } catch (error) {
      const e = error as { code?: unknown; message?: unknown } | null;
      failure = {
        code: typeof e?.code === 'string' ? e.code.slice(0, 100) : 'FIELD_FAILED',
        message: String(e?.message ?? error).slice(0, 500),
      };
    }
    this.#versions[field.name] = field.version;
    if (failure) {
      this.#fieldErrors++;
      delete this.#line[field.name];
      this.#errors[field.name] = failure;
      return;
    }
    delete this.#errors[field.name];
    if (value === undefined) delete this.#line[field.name];
    else this.#line[field.name] = value;
  }

  #written(crateRead: boolean): Generated {
    return { kind: 'written', entry: this.#entry(), crateRead, fieldErrors: this.#fieldErrors };
  }

  /** The crate cannot be read: recorded once in `error`; every crate field counts as attempted. */
  #unreadable(code: string, message: string): Generated {
    for (const field of this.#set.crateFields) {
      delete this.#line[field.name];
      delete this.#errors[field.name];
      this.#versions[field.name] = field.version;
    }
    this.#line['error'] = { code, message: message.slice(0, 500) };
    return { kind: 'failed', entry: this.#entry(), code, message };
  }

  /** The crate is not here (yet): a line only when index fields gave it something to hold. */
  #waiting(kind: 'missing' | 'stale'): Generated {
    // Overrides are applied whatever the crate: they need no read of it.
    const wrote =
      this.#request.fields.some((f) => f.source === 'index') ||
      (this.#request.overrides !== undefined && this.#overridesTouched);
    const entry = wrote ? this.#entry() : undefined;
    return kind === 'missing' ? { kind, entry } : { kind, entry };
  }

  #entry(): AugmentedEntry {
    const { name, vers, cksum } = this.#request.index;
    const applied: Record<string, { reason: string }> = {};
    for (const [field, { value, reason }] of this.#overrides) {
      this.#line[field] = value;
      delete this.#errors[field];
      const version = this.#set.versions[field];
      if (version !== undefined) this.#versions[field] = version;
      applied[field] = { reason };
    }
    const sorted = <T>(record: Record<string, T>): Record<string, T> => {
      const out: Record<string, T> = {};
      for (const key of Object.keys(record).sort()) out[key] = record[key] as T;
      return out;
    };
    return {
      ...this.#line,
      name,
      vers,
      cksum,
      schema: AUGMENTED_SCHEMA,
      fields: sorted(this.#versions),
      ...(Object.keys(this.#errors).length ? { field_errors: sorted(this.#errors) } : {}),
      ...(this.#overrides.size ? { overrides: sorted(applied) } : {}),
    } as AugmentedEntry;
  }
}

/** A field's value as JSON would keep it, or why it cannot be written (not JSON, too large). */
function jsonValue(
  value: unknown,
): { readonly value: unknown } | { readonly failure: { code: string; message: string } } {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    return {
      failure: { code: 'FIELD_VALUE_INVALID', message: `not JSON: ${(error as Error).message}` },
    };
  }
  if (text === undefined) return { failure: { code: 'FIELD_VALUE_INVALID', message: 'not JSON' } };
  if (text.length > MAX_FIELD_VALUE_BYTES)
    return {
      failure: {
        code: 'FIELD_VALUE_TOO_LARGE',
        message: `${text.length} bytes of JSON, over ${MAX_FIELD_VALUE_BYTES}`,
      },
    };
  return { value: JSON.parse(text) as unknown };
}
