/**
 * The fields of a run: the built-in ones and those other teams' modules add, checked once. It
 * answers what a line holds (`recorded`: the version of each field, from its `fields` map) and
 * what it lacks (`behind`: fields absent or of a lower version), which is all a run regenerates.
 *
 * Lines of schema 1 have no `fields` map: they hold the built-in fields at version 1, so an
 * existing index upgrades without regenerating anything it holds.
 */
import { AugmentedIndexError } from '../errors.js';
import { BUILTIN_FIELDS } from './builtin-fields.js';
import type { Field } from './field.js';

/** Keys of a line that are not fields: its identity and bookkeeping. */
export const LINE_KEYS: readonly string[] = [
  'name',
  'vers',
  'cksum',
  'schema',
  'error',
  'fields',
  'field_errors',
  'overrides',
];

/**
 * Keys of the registry index line (https://doc.rust-lang.org/cargo/reference/registry-index.html):
 * a field by one of these names would read as the index's own value.
 */
export const INDEX_KEYS: readonly string[] = [
  'name',
  'vers',
  'deps',
  'cksum',
  'features',
  'features2',
  'yanked',
  'links',
  'v',
  'rust_version',
  'pubtime',
];

const NAME = /^[a-z][a-z0-9_]{0,63}$/;

/** Where a field was declared, for error messages: a module path or package name. */
export interface FieldOrigin {
  readonly module: string;
  readonly fields: readonly unknown[];
}

/** The built-in fields and the fields of the given modules, each validated. */
export class FieldSet {
  /** Every field, built-in ones first, in the order they are generated. */
  readonly fields: readonly Field[];
  /** The fields read from the crate (one read of each archive serves them all). */
  readonly crateFields: readonly Field[];
  /** The version of each field, by name. */
  readonly versions: Readonly<Record<string, number>>;
  readonly #byName: ReadonlyMap<string, Field>;

  /**
   * @param modules the fields other modules add, each with its module's name for errors.
   * @throws {AugmentedIndexError} `AUGMENTED_FIELD_INVALID` naming the module and the field.
   */
  constructor(modules: readonly FieldOrigin[] = []) {
    const byName = new Map<string, Field>(BUILTIN_FIELDS.map((f) => [f.name, f]));
    const from = new Map<string, string>(
      BUILTIN_FIELDS.map((f) => [f.name, 'the built-in fields']),
    );
    for (const { module, fields } of modules) {
      fields.forEach((candidate, index) => {
        const field = checkField(module, index, candidate);
        const taken =
          from.get(field.name) ??
          (LINE_KEYS.includes(field.name) || INDEX_KEYS.includes(field.name)
            ? 'the line format or the registry index'
            : undefined);
        if (taken) throw invalid(module, field.name, `the name ${field.name} is taken by ${taken}`);
        byName.set(field.name, field);
        from.set(field.name, module);
      });
    }
    this.#byName = byName;
    this.fields = [...byName.values()];
    this.crateFields = this.fields.filter((f) => f.source === 'crate');
    this.versions = Object.fromEntries(this.fields.map((f) => [f.name, f.version]));
  }

  /** Whether a key of a line belongs to a field of this set (it is regenerated with it). */
  has(name: string): boolean {
    return this.#byName.has(name);
  }

  /** The version of each field a line holds: its `fields` map, or the built-ins at 1 for schema 1. */
  recorded(line: Readonly<Record<string, unknown>>): Record<string, number> {
    const fields = line['fields'];
    if (fields !== null && typeof fields === 'object' && !Array.isArray(fields)) {
      const out: Record<string, number> = {};
      for (const name in fields) {
        const version = (fields as Record<string, unknown>)[name];
        if (typeof version === 'number') out[name] = version;
      }
      return out;
    }
    return line['schema'] === 1 ? { ...LEGACY } : {};
  }

  /** The fields `recorded` lacks or holds at a lower version, in generation order. */
  behind(recorded: Readonly<Record<string, number>>): Field[] {
    return this.fields.filter((f) => (recorded[f.name] ?? 0) < f.version);
  }

  /** Why `recorded` (an index's `config.json`) is behind this set, or `undefined` when it is not. */
  describeBehind(recorded: Readonly<Record<string, number>>): string | undefined {
    const behind = this.behind(recorded);
    if (behind.length === 0) return undefined;
    return behind
      .map((f) =>
        recorded[f.name] === undefined
          ? `field ${f.name} added (v${f.version})`
          : `field ${f.name} v${recorded[f.name]} < v${f.version}`,
      )
      .join(', ');
  }
}

/** What a schema-1 line, or a `config.json` without `fields`, holds: the built-ins at version 1. */
export function legacyVersions(): Record<string, number> {
  return { ...LEGACY };
}

const LEGACY: Readonly<Record<string, number>> = Object.freeze(
  Object.fromEntries(BUILTIN_FIELDS.map((f) => [f.name, 1])),
);

function checkField(module: string, index: number, candidate: unknown): Field {
  const label = `field #${index + 1}`;
  if (candidate === null || typeof candidate !== 'object')
    throw invalid(module, label, `${label} is not an object`);
  const f = candidate as Record<string, unknown>;
  const name = typeof f['name'] === 'string' ? f['name'] : undefined;
  if (name === undefined || !NAME.test(name))
    throw invalid(
      module,
      name ?? label,
      `${label}: name ${JSON.stringify(f['name'])} is not [a-z][a-z0-9_]* (at most 64 characters)`,
    );
  if (!Number.isSafeInteger(f['version']) || (f['version'] as number) < 1)
    throw invalid(
      module,
      name,
      `version ${JSON.stringify(f['version'])} is not a positive integer`,
    );
  if (f['source'] !== 'index' && f['source'] !== 'crate')
    throw invalid(module, name, `source ${JSON.stringify(f['source'])} is not 'index' or 'crate'`);
  if (typeof f['generate'] !== 'function')
    throw invalid(module, name, 'generate is not a function');
  return candidate as Field;
}

function invalid(module: string, field: string, reason: string): AugmentedIndexError {
  return new AugmentedIndexError(
    'AUGMENTED_FIELD_INVALID',
    `${module}: ${field}`,
    `${module}: ${reason}`,
  );
}
