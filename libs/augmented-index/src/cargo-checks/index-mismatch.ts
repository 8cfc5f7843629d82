/**
 * `index_mismatch`: where the registry index's own entry for a version disagrees with the manifest
 * that was published. The index is written by crates.io from what `cargo publish` sent
 * (https://doc.rust-lang.org/cargo/reference/registry-index.html#json-schema), so the two agree
 * unless the registry rewrote something, an old cargo sent something else, or the entry was
 * edited; a resolver that trusts the index should know where they do not.
 */
import {
  normalizePlatform,
  normalizeVersionReq,
  type ManifestDependency,
} from '@lcs/cargo-manifest';
import type { CrateFieldInput } from '../fields/field.js';
import { defineField } from '../fields/field.js';
import { isTable, type Table } from './toml-value.js';

/** What kind of disagreement one {@link IndexMismatch} is. */
export type IndexMismatchKind =
  | 'dependency_missing_from_index'
  | 'dependency_missing_from_manifest'
  | 'dependency_differs'
  | 'feature_missing_from_index'
  | 'feature_missing_from_manifest'
  | 'feature_differs'
  | 'links_differs'
  | 'rust_version_differs'
  | 'rust_version_missing_from_index';

/** Every {@link IndexMismatchKind}, in the order a report lists them. */
export const INDEX_MISMATCH_KINDS: readonly IndexMismatchKind[] = [
  'dependency_missing_from_index',
  'dependency_missing_from_manifest',
  'dependency_differs',
  'feature_missing_from_index',
  'feature_missing_from_manifest',
  'feature_differs',
  'links_differs',
  'rust_version_differs',
  'rust_version_missing_from_index',
];

/** The parts of a dependency that are compared. */
export interface ComparedDependency {
  readonly req?: string;
  readonly features?: readonly string[];
  readonly optional?: boolean;
  readonly default_features?: boolean;
  readonly package?: string | null;
  readonly registry?: string | null;
}

/** One disagreement between the index entry and the published manifest. */
export interface IndexMismatch {
  readonly kind: IndexMismatchKind;
  /** The dependency's name as the crate uses it, or the feature's name. */
  readonly name?: string;
  /** The dependency's kind (`normal`, `build`, `dev`), for dependencies. */
  readonly dep_kind?: string;
  /** The dependency's target, for dependencies (`null` for none). */
  readonly target?: string | null;
  /** The index's side: the differing parts of a dependency, a feature's list, or a value. */
  readonly index?: unknown;
  /** The manifest's side, in the same shape. */
  readonly manifest?: unknown;
}

/** A dependency of either side, in the shape compared. */
interface Dep {
  readonly name: string;
  readonly kind: string;
  readonly target: string | null;
  readonly compared: Required<ComparedDependency>;
}

/** A requirement as cargo prints it, so `1.0` and `^1.0` compare equal; kept as is if invalid. */
function req(value: string): string {
  return normalizeVersionReq(value) ?? value;
}

/** The real crate when renamed; `null` when the name is the crate's own. */
function renamed(name: string, pkg: unknown): string | null {
  return typeof pkg === 'string' && pkg !== name ? pkg : null;
}

/** One dependency of the index line (untrusted JSON), or `undefined` when it is not one. */
function fromIndex(value: unknown): Dep | undefined {
  if (!isTable(value) || typeof value['name'] !== 'string') return undefined;
  const name = value['name'];
  const target = typeof value['target'] === 'string' ? value['target'] : null;
  const features = Array.isArray(value['features'])
    ? value['features'].filter((f): f is string => typeof f === 'string')
    : [];
  return {
    name,
    kind: typeof value['kind'] === 'string' ? value['kind'] : 'normal',
    target: target === null ? null : (normalizePlatform(target) ?? target),
    compared: {
      req: typeof value['req'] === 'string' ? req(value['req']) : '*',
      features: [...features].sort(),
      optional: value['optional'] === true,
      default_features: value['default_features'] !== false,
      package: renamed(name, value['package']),
      registry: typeof value['registry'] === 'string' ? value['registry'] : null,
    },
  };
}

/** One dependency of the published manifest, as `@lcs/cargo-manifest` normalized it. */
function fromManifest(d: ManifestDependency): Dep {
  return {
    name: d.name,
    kind: d.kind,
    target: d.target,
    compared: {
      req: req(d.req),
      features: [...d.features].sort(),
      optional: d.optional,
      default_features: d.default_features,
      package: renamed(d.name, d.package),
      registry: d.registry ?? null,
    },
  };
}

const depKey = (d: Dep) => JSON.stringify([d.kind, d.target, d.name]);

/** Groups dependencies by kind, target and name (a name may repeat in one table only by error). */
function byKey(deps: readonly Dep[]): Map<string, Dep[]> {
  const map = new Map<string, Dep[]>();
  for (const d of deps) {
    const list = map.get(depKey(d));
    if (list) list.push(d);
    else map.set(depKey(d), [d]);
  }
  return map;
}

/** The parts of two dependencies that differ, one side each; `undefined` when they agree. */
function differences(a: Dep, b: Dep): [ComparedDependency, ComparedDependency] | undefined {
  const left: Record<string, unknown> = {};
  const right: Record<string, unknown> = {};
  for (const key of Object.keys(a.compared) as (keyof ComparedDependency)[]) {
    if (JSON.stringify(a.compared[key]) === JSON.stringify(b.compared[key])) continue;
    left[key] = a.compared[key];
    right[key] = b.compared[key];
  }
  return Object.keys(left).length === 0 ? undefined : [left, right];
}

function dependencyMismatches(index: readonly Dep[], manifest: readonly Dep[]): IndexMismatch[] {
  const out: IndexMismatch[] = [];
  const where = (d: Dep) => ({ name: d.name, dep_kind: d.kind, target: d.target });
  const manifestByKey = byKey(manifest);
  for (const [key, sides] of byKey(index)) {
    const published = manifestByKey.get(key) ?? [];
    manifestByKey.delete(key);
    sides.forEach((d, i) => {
      const m = published[i];
      if (m === undefined) {
        out.push({ kind: 'dependency_missing_from_manifest', ...where(d), index: d.compared });
        return;
      }
      const diff = differences(d, m);
      if (diff)
        out.push({ kind: 'dependency_differs', ...where(d), index: diff[0], manifest: diff[1] });
    });
    for (const m of published.slice(sides.length))
      out.push({ kind: 'dependency_missing_from_index', ...where(m), manifest: m.compared });
  }
  for (const rest of manifestByKey.values())
    for (const m of rest)
      out.push({ kind: 'dependency_missing_from_index', ...where(m), manifest: m.compared });
  return out;
}

/** A features map (untrusted), each list sorted: the order of a feature's list has no meaning. */
function featureMap(...tables: unknown[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const table of tables) {
    if (!isTable(table)) continue;
    for (const [name, list] of Object.entries(table)) {
      const values = Array.isArray(list)
        ? list.filter((v): v is string => typeof v === 'string')
        : [];
      map.set(name, [...(map.get(name) ?? []), ...values].sort());
    }
  }
  return map;
}

/**
 * Feature disagreements. The index splits a version's features into `features` and `features2`
 * (entries using `dep:` or `?/` syntax, with `"v": 2`), so the two are joined first. cargo also
 * sends the implicit feature of an optional dependency no feature names as `dep:x`
 * (`x = ["dep:x"]`), which a manifest never writes; that one is not a disagreement.
 */
function featureMismatches(
  index: Table,
  manifest: Table,
  optionalDeps: ReadonlySet<string>,
): IndexMismatch[] {
  const out: IndexMismatch[] = [];
  const theirs = featureMap(index['features'], index['features2']);
  const ours = featureMap(manifest['features']);
  const named = new Set([...ours.values()].flat());
  for (const [name, list] of theirs) {
    const m = ours.get(name);
    if (m === undefined) {
      const implicit =
        optionalDeps.has(name) &&
        list.length === 1 &&
        list[0] === `dep:${name}` &&
        !named.has(`dep:${name}`);
      if (!implicit) out.push({ kind: 'feature_missing_from_manifest', name, index: list });
    } else if (JSON.stringify(m) !== JSON.stringify(list))
      out.push({ kind: 'feature_differs', name, index: list, manifest: m });
  }
  for (const [name, list] of ours)
    if (!theirs.has(name)) out.push({ kind: 'feature_missing_from_index', name, manifest: list });
  return out;
}

/** A string value of the index line, or `null`. */
function scalar(index: Table, key: string): string | null {
  return typeof index[key] === 'string' ? index[key] : null;
}

/**
 * Every disagreement between a version's index entry and its published manifest: dependencies
 * (by kind, target and name; requirement, features, `optional`, `default_features`, rename and
 * registry), features, `links` and `rust_version`. `undefined` when they agree. A
 * `rust_version` the manifest declares but the index lacks is its own kind, since crates.io has
 * recorded it only since 2023 and older entries all lack it.
 */
export function indexMismatches(input: CrateFieldInput): IndexMismatch[] | undefined {
  const { index, cargo } = input;
  const pkg = cargo.manifest.package;
  const indexDeps = Array.isArray(index['deps'])
    ? index['deps'].map(fromIndex).filter((d): d is Dep => d !== undefined)
    : [];
  const manifestDeps = cargo.manifest.dependencies.map(fromManifest);
  const optional = new Set(manifestDeps.filter((d) => d.compared.optional).map((d) => d.name));
  const out = [
    ...dependencyMismatches(indexDeps, manifestDeps),
    ...featureMismatches(index, input.manifest, optional),
  ];
  const links = scalar(index, 'links');
  if (links !== (pkg.links ?? null))
    out.push({ kind: 'links_differs', index: links, manifest: pkg.links ?? null });
  const rust = scalar(index, 'rust_version');
  if (rust === null && pkg.rustVersion !== undefined)
    out.push({ kind: 'rust_version_missing_from_index', manifest: pkg.rustVersion });
  else if (rust !== null && rust !== (pkg.rustVersion ?? null))
    out.push({ kind: 'rust_version_differs', index: rust, manifest: pkg.rustVersion ?? null });
  return out.length === 0 ? undefined : out;
}

/** The `index_mismatch` field (version 1). */
export const indexMismatch = defineField({
  name: 'index_mismatch',
  version: 1,
  source: 'crate',
  generate: indexMismatches,
});
