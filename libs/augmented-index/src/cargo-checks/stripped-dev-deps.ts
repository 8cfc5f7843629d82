/**
 * `stripped_dev_deps`: the dev-dependencies `cargo package` removed from the published manifest.
 * Since cargo 1.40 a dev-dependency with no `version` (path-only or git-only) may be published;
 * cargo drops it from the normalized `Cargo.toml` (and so from the index), and only
 * `Cargo.toml.orig`, the manifest as written, still names it
 * (https://doc.rust-lang.org/cargo/reference/specifying-dependencies.html#development-dependencies).
 */
import type { CrateFieldInput } from '../fields/field.js';
import { defineField } from '../fields/field.js';
import { devDependencyTables, isTable, stringAt, type Table } from './toml-value.js';

/** Where a stripped dev-dependency came from, as `Cargo.toml.orig` declares it. */
export type StrippedSource = 'path' | 'git' | 'workspace' | 'registry';

/** One dev-dependency of `Cargo.toml.orig` that the published manifest lacks. */
export interface StrippedDevDependency {
  /** The name the crate uses (the key in the table; the alias when renamed). */
  readonly name: string;
  /** The real crate, when `package` renames it. */
  readonly package?: string;
  /** The `[target.X]` it sits under, as written; `null` for the top-level table. */
  readonly target: string | null;
  /**
   * Its kind of source: `path` or `git`; `workspace` when inherited (`x.workspace = true`), whose
   * source the workspace root (not in the crate) holds; `registry` for a versioned entry, which
   * cargo does not strip (seen only if the two manifests disagree for another reason).
   */
  readonly source: StrippedSource;
  /** The source's own keys, as written. */
  readonly path?: string;
  readonly git?: string;
  readonly branch?: string;
  readonly tag?: string;
  readonly rev?: string;
}

/** The source keys copied from a stripped entry. */
const SOURCE_KEYS = ['path', 'git', 'branch', 'tag', 'rev'] as const;

/** One entry of `Cargo.toml.orig` described, from its untrusted value. */
function describe(name: string, value: unknown, target: string | null): StrippedDevDependency {
  const spec: Table = isTable(value) ? value : {};
  const source: StrippedSource =
    stringAt(spec, 'git') !== undefined
      ? 'git'
      : stringAt(spec, 'path') !== undefined
        ? 'path'
        : spec['workspace'] === true
          ? 'workspace'
          : 'registry';
  const pkg = stringAt(spec, 'package');
  const kept: Partial<Record<(typeof SOURCE_KEYS)[number], string>> = {};
  for (const key of SOURCE_KEYS) {
    const v = stringAt(spec, key);
    if (v !== undefined) kept[key] = v;
  }
  return { name, ...(pkg !== undefined ? { package: pkg } : {}), target, source, ...kept };
}

/** The keys of a scope's dev-dependency tables (both spellings). */
function devKeys(scope: unknown): Set<string> {
  return new Set(isTable(scope) ? devDependencyTables(scope).flatMap((t) => Object.keys(t)) : []);
}

/**
 * The stripped dev-dependencies of a crate: every entry of a dev-dependency table of
 * `Cargo.toml.orig` (top level and under each `[target.X]`) whose key the same table of the
 * published manifest lacks, in the order written. `undefined` when none was stripped, or when the
 * crate has no `Cargo.toml.orig` (cargo writes one since 1.26; older crates cannot tell).
 * @throws {Error} when the crate has a `Cargo.toml.orig` over the manifest cap, which is unread.
 */
export function strippedDevDependencies(
  input: CrateFieldInput,
): StrippedDevDependency[] | undefined {
  const original = input.original;
  if (original === undefined) {
    if (input.cargo.archive.hasCargoTomlOrig)
      throw Object.assign(new Error('Cargo.toml.orig is larger than the manifest cap; not read'), {
        code: 'ORIGINAL_MANIFEST_TOO_LARGE',
      });
    return undefined;
  }
  const published = input.manifest;
  const stripped: StrippedDevDependency[] = [];
  const scopes: Array<[string | null, unknown, unknown]> = [[null, original, published]];
  const origTargets = original['target'];
  const pubTargets = isTable(published['target']) ? published['target'] : {};
  if (isTable(origTargets))
    for (const [target, scope] of Object.entries(origTargets))
      scopes.push([target, scope, pubTargets[target]]);
  for (const [target, scope, publishedScope] of scopes) {
    if (!isTable(scope)) continue;
    const kept = devKeys(publishedScope);
    for (const table of devDependencyTables(scope))
      for (const [name, value] of Object.entries(table))
        if (!kept.has(name)) stripped.push(describe(name, value, target));
  }
  return stripped.length === 0 ? undefined : stripped;
}

/** The `stripped_dev_deps` field (version 1), from `Cargo.toml.orig`. */
export const strippedDevDeps = defineField({
  name: 'stripped_dev_deps',
  version: 1,
  source: 'crate',
  generate: strippedDevDependencies,
});
