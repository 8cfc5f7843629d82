import { normalizePlatform } from './cfg-platform.js';
import { ManifestError } from './errors.js';
import { isTable, optionalString, stringArray, type Table } from './toml-table.js';
import { normalizeVersionReq } from './version-req.js';

/** Dependency kinds, as the index names them. */
export type ManifestDependencyKind = 'normal' | 'dev' | 'build';

/**
 * One dependency in the crates.io index's own shape, so it compares line by line with the index and
 * with `cargo metadata`: `name` is the name the crate uses (the alias when renamed), `package` the
 * real crate when renamed, `req` normalized as cargo prints it, `target` as cargo prints it.
 */
export interface ManifestDependency {
  readonly name: string;
  readonly package?: string;
  readonly req: string;
  readonly features: string[];
  readonly optional: boolean;
  readonly default_features: boolean;
  readonly target: string | null;
  readonly kind: ManifestDependencyKind;
  /** Registry name (`registry`) or index URL (`registry-index`), when not crates.io. */
  readonly registry?: string;
  /** Source fields kept as written. */
  readonly path?: string;
  readonly git?: string;
  readonly branch?: string;
  readonly tag?: string;
  readonly rev?: string;
}

/** The dependency tables of a manifest (or of one `[target.X]` table), legacy spellings included. */
const TABLES: readonly (readonly [string, string, ManifestDependencyKind])[] = [
  ['dependencies', 'dependencies', 'normal'],
  ['dev-dependencies', 'dev_dependencies', 'dev'],
  ['build-dependencies', 'build_dependencies', 'build'],
];

function bool(dep: Table, key: string, where: string): boolean | undefined {
  const v = dep[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean')
    throw new ManifestError('MANIFEST_INVALID', where, `${where}.${key} must be a boolean`);
  return v;
}

/** cargo's package-name rule: Unicode XID characters, `-` and `_`, not starting with a digit. */
export function packageNameProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  if (/^[0-9]/.test(name)) return 'cannot start with a digit';
  const bad = [...name].find((c) => !/[\p{XID_Continue}-]/u.test(c));
  return bad === undefined ? undefined : `has the invalid character ${JSON.stringify(bad)}`;
}

/** One dependency entry (`alias = "req"` or `alias = { ... }`) as cargo reads it, or a refusal naming `where`. */
function parseDependency(
  alias: string,
  value: unknown,
  kind: ManifestDependencyKind,
  target: string | null,
  where: string,
  edition: string,
): ManifestDependency {
  const aliasProblem = packageNameProblem(alias);
  if (aliasProblem)
    throw new ManifestError('MANIFEST_INVALID', where, `${where}: the name ${aliasProblem}`);
  const spec: Table = typeof value === 'string' ? { version: value } : isTable(value) ? value : {};
  if (typeof value !== 'string' && !isTable(value)) {
    throw new ManifestError(
      'MANIFEST_INVALID',
      where,
      `${where} must be a version string or a table`,
    );
  }
  if (spec['workspace'] !== undefined) {
    throw new ManifestError(
      'MANIFEST_INVALID',
      where,
      `${where} inherits from a workspace, which a published crate cannot`,
    );
  }
  const version = optionalString(spec, 'version', where);
  const git = optionalString(spec, 'git', where);
  if (git !== undefined && (spec['path'] !== undefined || spec['registry'] !== undefined)) {
    throw new ManifestError(
      'MANIFEST_INVALID',
      where,
      `${where} is ambiguous: git cannot be combined with path or registry`,
    );
  }
  if (version === undefined && git === undefined && spec['path'] === undefined) {
    throw new ManifestError(
      'MANIFEST_INVALID',
      where,
      `${where} has no version, path or git source`,
    );
  }
  if (edition === '2024' && spec['default_features'] !== undefined) {
    throw new ManifestError(
      'MANIFEST_INVALID',
      where,
      `${where}: default_features is unsupported as of the 2024 edition, use default-features`,
    );
  }
  const req = version === undefined ? '*' : normalizeVersionReq(version);
  if (req === undefined) {
    throw new ManifestError(
      'MANIFEST_INVALID',
      where,
      `${where}: invalid version requirement ${JSON.stringify(version)}`,
    );
  }
  const features = stringArray(spec['features'], `${where}.features`) ?? [];
  // `default-features` wins over the legacy `default_features` when both are present, as in cargo.
  const defaultFeatures =
    bool(spec, 'default-features', where) ?? bool(spec, 'default_features', where) ?? true;
  const pkg = optionalString(spec, 'package', where);
  const pkgProblem = pkg === undefined ? undefined : packageNameProblem(pkg);
  if (pkgProblem)
    throw new ManifestError('MANIFEST_INVALID', where, `${where}.package ${pkgProblem}`);
  const registry =
    optionalString(spec, 'registry-index', where) ?? optionalString(spec, 'registry', where);
  const dep: ManifestDependency = {
    name: alias,
    // An explicit `package` is a rename even when it repeats the alias (cargo's `explicit_name_in_toml`).
    ...(pkg !== undefined ? { package: pkg } : {}),
    req,
    features,
    optional: bool(spec, 'optional', where) ?? false,
    default_features: defaultFeatures,
    target,
    kind,
    ...(registry !== undefined ? { registry } : {}),
  };
  const kept: Partial<Record<'path' | 'git' | 'branch' | 'tag' | 'rev', string>> = {};
  for (const key of ['path', 'git', 'branch', 'tag', 'rev'] as const) {
    const v = optionalString(spec, key, where);
    if (v !== undefined) kept[key] = v;
  }
  return { ...dep, ...kept };
}

function fromTables(
  scope: Table,
  target: string | null,
  prefix: string,
  edition: string,
): ManifestDependency[] {
  const out: ManifestDependency[] = [];
  for (const [dash, underscore, kind] of TABLES) {
    if (edition === '2024' && dash !== 'dependencies' && scope[underscore] !== undefined) {
      throw new ManifestError(
        'MANIFEST_INVALID',
        `${prefix}${underscore}`,
        `${prefix}${underscore} is unsupported as of the 2024 edition, use ${dash}`,
      );
    }
    // The dash spelling wins when both exist (cargo warns and ignores the underscore one).
    const key = scope[dash] !== undefined ? dash : underscore;
    const table = scope[key];
    if (table === undefined) continue;
    if (!isTable(table))
      throw new ManifestError(
        'MANIFEST_INVALID',
        `${prefix}${key}`,
        `${prefix}${key} must be a table`,
      );
    for (const [alias, value] of Object.entries(table))
      out.push(parseDependency(alias, value, kind, target, `${prefix}${key}.${alias}`, edition));
  }
  return out;
}

/**
 * Every dependency of a parsed manifest: `[dependencies]`, `[dev-dependencies]`,
 * `[build-dependencies]`, their legacy underscore spellings, and the same tables under every
 * `[target.<cfg or triple>]`.
 * @throws {ManifestError} for a dependency cargo would reject.
 */
export function manifestDependencies(toml: Table, edition = '2015'): ManifestDependency[] {
  const deps = fromTables(toml, null, '', edition);
  const targets = toml['target'];
  if (targets !== undefined) {
    if (!isTable(targets))
      throw new ManifestError('MANIFEST_INVALID', 'target', '[target] must be a table');
    for (const [spec, scope] of Object.entries(targets)) {
      const target = normalizePlatform(spec);
      if (target === undefined)
        throw new ManifestError('MANIFEST_INVALID', spec, `invalid target ${JSON.stringify(spec)}`);
      if (!isTable(scope))
        throw new ManifestError('MANIFEST_INVALID', spec, `[target.${spec}] must be a table`);
      deps.push(...fromTables(scope, target, `target.${spec}.`, edition));
    }
  }
  return deps;
}
