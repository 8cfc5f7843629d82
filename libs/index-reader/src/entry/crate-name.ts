import { InvalidCrateNameError } from '../errors.js';

/** crates.io's maximum crate name length. */
export const MAX_CRATE_NAME_LENGTH = 64;

const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]*$/;

/**
 * Why `name` is not a valid crate name, or `undefined` when it is.
 *
 * Follows crates.io's rules (https://github.com/rust-lang/crates.io/blob/main/crates/crates_io_database/src/models/krate.rs):
 * non-empty, at most 64 characters, ASCII letters, digits, `-` and `_` only, starting with a letter.
 * These rules also guarantee a name can never form a path outside the index (`..`, `/`, NUL, absolute
 * paths, non-ASCII case folding are all excluded).
 */
export function crateNameProblem(name: string): string | undefined {
  // Checked at run time too: a caller from JavaScript may pass anything.
  if (typeof name !== 'string')
    return `a crate name is a string, not ${name === null ? 'null' : typeof name}`;
  if (name.length === 0) return 'empty';
  if (name.length > MAX_CRATE_NAME_LENGTH) {
    return `longer than ${MAX_CRATE_NAME_LENGTH} characters`;
  }
  if (NAME_PATTERN.test(name)) return undefined;
  if (!/^[A-Za-z]/.test(name)) return 'must start with an ASCII letter';
  const bad = [...name].find((c) => !/[A-Za-z0-9_-]/.test(c)) ?? '';
  const shown = /[\x20-\x7e]/.test(bad)
    ? bad
    : `U+${(bad.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`;
  return `character ${JSON.stringify(shown)} not allowed (ASCII letters, digits, '-' and '_' only)`;
}

/** `true` when `name` is a valid crates.io crate name. */
export function isValidCrateName(name: string): boolean {
  return crateNameProblem(name) === undefined;
}

/**
 * Returns `name` unchanged when valid.
 * @throws {InvalidCrateNameError} naming the input and the rule it breaks.
 */
export function assertCrateName(name: string): string {
  const problem = crateNameProblem(name);
  if (problem !== undefined)
    throw new InvalidCrateNameError(typeof name === 'string' ? name : String(name), problem);
  return name;
}
