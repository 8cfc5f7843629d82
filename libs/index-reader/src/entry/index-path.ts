import { assertCrateName } from './crate-name.js';

/**
 * The directory prefix cargo uses for a name, without the file name: `1`, `2`, `3/{c}` or
 * `{ab}/{cd}`. Case is kept; callers lowercase when they need the on-disk form.
 * Mirrors cargo's `make_dep_prefix` (cargo/src/cargo/sources/registry/mod.rs).
 */
export function cratePrefix(name: string): string {
  switch (name.length) {
    case 0:
      return '';
    case 1:
      return '1';
    case 2:
      return '2';
    case 3:
      return `3/${name.slice(0, 1)}`;
    default:
      return `${name.slice(0, 2)}/${name.slice(2, 4)}`;
  }
}

/**
 * Path of a crate's file inside the index, exactly as cargo computes it: the lowercased name under
 * `1/`, `2/`, `3/{c}/` or `{ab}/{cd}/` (https://doc.rust-lang.org/cargo/reference/registry-index.html#index-files).
 * @throws {InvalidCrateNameError} when the name is not a valid crate name, so no input can escape the index.
 */
export function indexPath(name: string): string {
  const lower = assertCrateName(name).toLowerCase();
  return `${cratePrefix(lower)}/${lower}`;
}
