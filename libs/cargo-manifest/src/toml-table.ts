import { ManifestError } from './errors.js';

/** A TOML table as smol-toml returns it. */
export type Table = Record<string, unknown>;

/** `true` for a TOML table (not an array, not a date, not a scalar). */
export function isTable(value: unknown): value is Table {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)
  );
}

/**
 * `table[key]` when it is a string, `undefined` when absent.
 * @throws {ManifestError} naming `where.key` when it is something else.
 */
export function optionalString(table: Table, key: string, where: string): string | undefined {
  const value = table[key];
  if (value === undefined || typeof value === 'string') return value;
  throw new ManifestError(
    'MANIFEST_INVALID',
    `${where}.${key}`,
    `${where}.${key} must be a string`,
  );
}

/**
 * `value` when it is an array of strings, `undefined` when absent.
 * @throws {ManifestError} naming `where` when it is something else.
 */
export function stringArray(value: unknown, where: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value) && value.every((x) => typeof x === 'string')) return value as string[];
  throw new ManifestError('MANIFEST_INVALID', where, `${where} must be an array of strings`);
}
