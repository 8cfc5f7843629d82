import { parse, TomlError } from 'smol-toml';
import { ManifestError } from './errors.js';
import { isTable, optionalString, stringArray } from './toml-table.js';
import {
  manifestDependencies,
  packageNameProblem,
  type ManifestDependency,
} from './manifest-dependency.js';

/** The `[package]` fields a resolver and the augmented index use. */
export interface ManifestPackage {
  readonly name: string;
  readonly version: string;
  readonly edition: string;
  readonly rustVersion?: string;
  readonly links?: string;
  readonly license?: string;
  readonly licenseFile?: string;
  readonly description?: string;
  readonly repository?: string;
  readonly categories: string[];
  readonly keywords: string[];
  /** `package.build`: a path, `false`, or absent (then `build.rs` is used when present). */
  readonly build?: string | boolean;
  /** `[package.metadata]`, passed through untouched. */
  readonly metadata?: Record<string, unknown>;
}

/** A parsed `Cargo.toml`. */
export interface Manifest {
  readonly package: ManifestPackage;
  readonly dependencies: ManifestDependency[];
  /** `[features]`, `dep:` and `?/` syntax kept as written. */
  readonly features: Record<string, string[]>;
  /** The whole TOML document, for fields this model does not cover. */
  readonly raw: Record<string, unknown>;
}

/** The editions cargo knows. */
const EDITIONS = new Set(['2015', '2018', '2021', '2024']);
/** A semver version (https://semver.org/#backusnaur-form-grammar-for-valid-semver-versions). */
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

/**
 * The feature references cargo checks against the dependency list: `dep:x` needs an optional
 * dependency `x`, and `x?/f` needs a dependency `x`
 * (https://doc.rust-lang.org/cargo/reference/features.html#optional-dependencies).
 */
function checkFeatures(
  features: Record<string, string[]>,
  deps: readonly ManifestDependency[],
): void {
  const names = new Set(deps.map((d) => d.name));
  const optional = new Set(deps.filter((d) => d.optional).map((d) => d.name));
  for (const [feature, values] of Object.entries(features)) {
    for (const value of values) {
      const dep = /^dep:(.+)$/.exec(value)?.[1];
      if (dep !== undefined && !optional.has(dep)) {
        const why = names.has(dep) ? 'is not optional' : 'is not a dependency';
        throw new ManifestError(
          'MANIFEST_INVALID',
          value,
          `feature ${JSON.stringify(feature)} includes ${JSON.stringify(value)}, but ${JSON.stringify(dep)} ${why}`,
        );
      }
      const weak = /^([^/]+)\?\//.exec(value)?.[1];
      if (weak !== undefined && !names.has(weak)) {
        throw new ManifestError(
          'MANIFEST_INVALID',
          value,
          `feature ${JSON.stringify(feature)} includes ${JSON.stringify(value)}, but ${JSON.stringify(weak)} is not a dependency`,
        );
      }
    }
  }
}

/** Largest manifest parsed by default; see `DEFAULT_MAX_MANIFEST_BYTES` for archives. */
const MAX_TEXT = 4 * 1024 * 1024;

/**
 * Parses a manifest's text as a TOML table, without cargo's checks: for what cargo itself never
 * reads, such as `Cargo.toml.orig` (workspace inheritance and path-only entries are still in it).
 * @param file - the file named in the error (`Cargo.toml.orig`).
 * @throws {ManifestError} `MANIFEST_INVALID_TOML` with the parser's line and column, or
 *   `MANIFEST_INVALID` when the text is larger than 4 MiB.
 */
export function parseManifestTable(text: string, file = 'Cargo.toml'): Record<string, unknown> {
  if (text.length > MAX_TEXT)
    throw new ManifestError('MANIFEST_INVALID', file, `larger than ${MAX_TEXT} bytes`);
  try {
    return parse(text) as Record<string, unknown>;
  } catch (cause) {
    const where =
      cause instanceof TomlError ? ` at line ${cause.line}, column ${cause.column}` : '';
    const first = (cause as Error).message.split('\n')[0] ?? '';
    throw new ManifestError('MANIFEST_INVALID_TOML', file, `not TOML${where}: ${first}`, {
      cause,
    });
  }
}

/**
 * Parses a `Cargo.toml` (as published: normalized by `cargo package`, no workspace inheritance).
 * @throws {ManifestError} `MANIFEST_INVALID_TOML` with the parser's line and column, or
 *   `MANIFEST_INVALID` naming the field cargo would reject.
 */
export function parseManifest(text: string): Manifest {
  const raw = parseManifestTable(text);
  const pkg = raw['package'] ?? raw['project'];
  if (!isTable(pkg)) throw new ManifestError('MANIFEST_INVALID', 'package', 'no [package] table');
  const p = pkg;
  const name = optionalString(p, 'name', 'package');
  if (!name) throw new ManifestError('MANIFEST_INVALID', 'package.name', 'package.name is missing');
  const nameProblem = packageNameProblem(name);
  if (nameProblem) throw new ManifestError('MANIFEST_INVALID', name, `package.name ${nameProblem}`);
  // Since cargo 1.75 a missing version means 0.0.0 (and the crate cannot be published).
  const version = optionalString(p, 'version', 'package') ?? '0.0.0';
  if (!SEMVER.test(version)) {
    throw new ManifestError(
      'MANIFEST_INVALID',
      version,
      `package.version ${JSON.stringify(version)} is not a semver version`,
    );
  }
  const edition = optionalString(p, 'edition', 'package') ?? '2015';
  if (!EDITIONS.has(edition))
    throw new ManifestError(
      'MANIFEST_INVALID',
      edition,
      `unknown edition ${JSON.stringify(edition)}`,
    );
  const build = p['build'];
  if (build !== undefined && typeof build !== 'string' && typeof build !== 'boolean') {
    throw new ManifestError(
      'MANIFEST_INVALID',
      'package.build',
      'package.build must be a path or a boolean',
    );
  }
  const features = raw['features'] ?? {};
  if (!isTable(features)) {
    throw new ManifestError('MANIFEST_INVALID', 'features', '[features] must be a table');
  }
  const rustVersion = optionalString(p, 'rust-version', 'package');
  if (rustVersion !== undefined && !/^\d+\.\d+(\.\d+)?$/.test(rustVersion)) {
    throw new ManifestError(
      'MANIFEST_INVALID',
      rustVersion,
      `package.rust-version ${JSON.stringify(rustVersion)} is not a version like "1.70"`,
    );
  }
  const optional = {
    rustVersion,
    links: optionalString(p, 'links', 'package'),
    license: optionalString(p, 'license', 'package'),
    licenseFile: optionalString(p, 'license-file', 'package'),
    description: optionalString(p, 'description', 'package'),
    repository: optionalString(p, 'repository', 'package'),
  };
  const dependencies = manifestDependencies(raw, edition);
  const featureMap = Object.fromEntries(
    Object.entries(features).map(([k, v]) => [k, stringArray(v, `features.${k}`) ?? []]),
  );
  checkFeatures(featureMap, dependencies);
  return {
    package: {
      name,
      version,
      edition,
      ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
      categories: stringArray(p['categories'], 'package.categories') ?? [],
      keywords: stringArray(p['keywords'], 'package.keywords') ?? [],
      ...(build !== undefined ? { build: build as string | boolean } : {}),
      ...(typeof p['metadata'] === 'object' && p['metadata'] !== null
        ? { metadata: p['metadata'] as Record<string, unknown> }
        : {}),
    },
    dependencies,
    features: featureMap,
    raw,
  };
}
