/**
 * Object keys of stored crates: `crates/{name}/{name}-{version}.crate`, the layout of
 * static.crates.io (https://static.crates.io/crates/serde/serde-1.0.0.crate), so a plain HTTP server
 * in front of the store serves cargo's default download URL template.
 */
import { crateNameProblem } from '@lcs/index-reader';
import { CrateRefError } from './errors.js';

/** A crate version: the name exactly as the index spells it, and its version. */
export interface CrateRef {
  readonly name: string;
  readonly version: string;
}

/** A crate version with the sha256 the index promises for its `.crate` (hex, 64 characters). */
export interface CrateToStore extends CrateRef {
  readonly cksum: string;
}

/**
 * A crate version as a caller may spell it: a {@link CrateRef}, or the index's spelling with `vers`
 * (an index entry, an augmented entry, a snapshot version can be passed as they are).
 */
export type CrateRefInput = CrateRef | { readonly name: string; readonly vers: string };

/** {@link CrateRefInput} with the index `cksum`: what `put` takes. */
export type CrateToStoreInput = CrateRefInput & { readonly cksum: string };

/** Prefix under which every crate object lives. */
export const CRATES_PREFIX = 'crates/';

// Semver 2.0 characters only (core, pre-release and build metadata): no `/`, no `..` traversal.
const VERSION = /^[0-9A-Za-z][0-9A-Za-z.+-]{0,127}$/;
const CKSUM = /^[0-9a-f]{64}$/;

/** Why `version` cannot be stored, or `undefined` when it can. */
function versionProblem(version: string): string | undefined {
  if (!VERSION.test(version)) return 'a version is 1-128 semver characters [0-9A-Za-z.+-]';
  if (version.includes('..')) return 'a version never contains ".."';
  return undefined;
}

/** The offending value as an error input: short, and never a crash of its own. */
function shown(value: unknown): string {
  try {
    return (JSON.stringify(value) ?? String(value)).slice(0, 200);
  } catch {
    return String(value).slice(0, 200);
  }
}

/**
 * The {@link CrateRef} `input` names (`vers` read as `version`), validated: it maps to a safe key.
 * Checked at run time too: a caller from JavaScript gets a typed error naming what it passed, not a
 * `TypeError` from deep inside a store.
 * @throws {CrateRefError} for a wrong shape, name or version.
 */
export function toCrateRef(input: CrateRefInput): CrateRef {
  const candidate = input as Record<string, unknown> | null | undefined;
  const version =
    typeof candidate === 'object' && candidate !== null
      ? (candidate['version'] ?? candidate['vers'])
      : undefined;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate['name'] !== 'string' ||
    typeof version !== 'string'
  )
    throw new CrateRefError(
      shown(input),
      'a crate ref is { name: string, version: string } (or an index entry: { name, vers })',
    );
  const ref = { name: candidate['name'], version };
  const problem = crateNameProblem(ref.name) ?? versionProblem(ref.version);
  if (problem) throw new CrateRefError(`${ref.name}@${ref.version}`, problem);
  return ref;
}

/** Throws {@link CrateRefError} unless `ref` names a crate version that maps to a safe key. */
export function assertCrateRef(ref: CrateRefInput): void {
  toCrateRef(ref);
}

/**
 * The {@link CrateToStore} `input` names, validated (the ref as {@link toCrateRef}, and the cksum).
 * @throws {CrateRefError} naming what is wrong.
 */
export function toCrateToStore(input: CrateToStoreInput): CrateToStore {
  const crate = { ...toCrateRef(input), cksum: (input as { cksum?: unknown }).cksum as string };
  assertCksum(crate);
  return crate;
}

/** Throws {@link CrateRefError} unless `cksum` is a lowercase hex sha256. */
export function assertCksum(ref: CrateToStore): void {
  if (typeof ref.cksum !== 'string' || !CKSUM.test(ref.cksum)) {
    throw new CrateRefError(
      `${ref.name}@${ref.version}`,
      `cksum ${JSON.stringify(ref.cksum)} is not 64 lowercase hex digits`,
    );
  }
}

/** The object key of a crate version, e.g. `crates/serde/serde-1.0.0.crate`. Validates `ref`. */
export function crateKey(input: CrateRefInput): string {
  const ref = toCrateRef(input);
  return `${CRATES_PREFIX}${ref.name}/${ref.name}-${ref.version}.crate`;
}

/**
 * The crate version a key names, or `undefined` for any key that is not exactly what
 * {@link crateKey} produces (temporary files, foreign objects, traversal attempts).
 */
export function parseCrateKey(key: string): CrateRef | undefined {
  if (!key.startsWith(CRATES_PREFIX) || !key.endsWith('.crate')) return undefined;
  const rest = key.slice(CRATES_PREFIX.length, -'.crate'.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return undefined;
  const name = rest.slice(0, slash);
  const file = rest.slice(slash + 1);
  if (!file.startsWith(`${name}-`)) return undefined;
  const ref = { name, version: file.slice(name.length + 1) };
  if (crateNameProblem(ref.name) !== undefined || versionProblem(ref.version) !== undefined) {
    return undefined;
  }
  return ref;
}

/** `name@version`, the id used in messages and error inputs (not validated). */
export function crateId(ref: CrateRefInput): string {
  return `${ref.name}@${'version' in ref ? ref.version : ref.vers}`;
}
