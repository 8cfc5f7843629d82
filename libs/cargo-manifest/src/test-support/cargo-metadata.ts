import { execFileSync } from 'node:child_process';
import type { ManifestDependency } from '../manifest-dependency.js';
import type { ManifestTargets } from '../manifest-targets.js';

/** A dependency as `cargo metadata` prints it. */
export interface CargoDep {
  name: string;
  rename: string | null;
  req: string;
  kind: 'dev' | 'build' | null;
  optional: boolean;
  uses_default_features: boolean;
  features: string[];
  target: string | null;
}

/** The fields compared with cargo, in the index's shape, in a stable order. */
export interface ComparedDep {
  name: string;
  package: string | undefined;
  req: string;
  features: string[];
  optional: boolean;
  default_features: boolean;
  target: string | null;
  kind: string;
}

const order = (a: ComparedDep, b: ComparedDep) =>
  `${a.kind}\0${a.target ?? ''}\0${a.name}`.localeCompare(
    `${b.kind}\0${b.target ?? ''}\0${b.name}`,
  );

/** cargo's dependencies mapped to the index's shape (`rename` -> `name`, real name -> `package`). */
export function fromCargo(deps: CargoDep[]): ComparedDep[] {
  return deps
    .map((d) => ({
      name: d.rename ?? d.name,
      package: d.rename ? d.name : undefined,
      req: d.req,
      features: d.features,
      optional: d.optional,
      default_features: d.uses_default_features,
      target: d.target,
      kind: d.kind ?? 'normal',
    }))
    .sort(order);
}

/** The library's dependencies, the same fields in the same order. */
export function fromLibrary(deps: ManifestDependency[]): ComparedDep[] {
  return deps
    .map((d) => ({
      name: d.name,
      package: d.package,
      req: d.req,
      features: d.features,
      optional: d.optional,
      default_features: d.default_features,
      target: d.target,
      kind: d.kind,
    }))
    .sort(order);
}

/** A target as `cargo metadata` prints it. */
export interface CargoTarget {
  name: string;
  kind: string[];
  crate_types: string[];
  src_path: string;
}

const NOT_LIB = new Set(['bin', 'example', 'test', 'bench', 'custom-build']);

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

/** cargo's targets in the library's shape, paths relative to the crate root. */
export function targetsFromCargo(targets: CargoTarget[], root: string) {
  const rel = (p: string) => p.slice(root.length + 1);
  const lib = targets.find((t) => t.kind.every((k) => !NOT_LIB.has(k)));
  const pick = (kind: string) =>
    targets
      .filter((t) => t.kind.includes(kind))
      .map((t) => ({ name: t.name, path: rel(t.src_path) }))
      .sort(byName);
  return {
    lib: lib ? { name: lib.name, path: rel(lib.src_path), crateTypes: lib.crate_types } : undefined,
    bins: pick('bin'),
    examples: pick('example'),
    tests: pick('test'),
    benches: pick('bench'),
  };
}

/** The library's targets in the same shape as {@link targetsFromCargo}. */
export function targetsFromLibrary(t: ManifestTargets) {
  return {
    lib: t.lib ? { name: t.lib.name, path: t.lib.path, crateTypes: t.lib.crateTypes } : undefined,
    bins: [...t.bins].sort(byName),
    examples: [...t.examples].sort(byName),
    tests: [...t.tests].sort(byName),
    benches: [...t.benches].sort(byName),
  };
}

/** Runs `cargo metadata --no-deps --offline` on a crate directory; throws with cargo's stderr. */
export function cargoMetadata(
  manifestPath: string,
  cargoHome: string,
): { dependencies: CargoDep[]; targets: CargoTarget[] } {
  const out = execFileSync(
    'cargo',
    [
      'metadata',
      '--no-deps',
      '--offline',
      '--format-version',
      '1',
      '--manifest-path',
      manifestPath,
    ],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CARGO_HOME: cargoHome },
    },
  );
  const meta = JSON.parse(out) as {
    packages: { manifest_path: string; dependencies: CargoDep[]; targets: CargoTarget[] }[];
  };
  // A crate may carry nested workspace members; the package is the one at the given manifest.
  const pkg = meta.packages.find((p) => p.manifest_path === manifestPath);
  if (!pkg) throw new Error(`cargo metadata lists no package at ${manifestPath}`);
  return pkg;
}
