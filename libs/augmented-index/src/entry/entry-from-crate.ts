/** Building an augmented entry from a `.crate` read by `@lcs/cargo-manifest`. */
import type { CrateManifest } from '@lcs/cargo-manifest';

/** The part of a {@link CrateManifest} an entry is built from (what a worker thread sends back). */
export interface CrateFacts {
  readonly manifest: Pick<CrateManifest['manifest'], 'package' | 'dependencies'>;
  readonly targets: CrateManifest['targets'];
  readonly archive: Pick<CrateManifest['archive'], 'hasCargoLock'>;
  readonly buildScript: string | undefined;
}

/** The facts of a read crate, without the whole TOML document and file list. */
export function crateFacts(crate: CrateManifest): CrateFacts {
  const { package: pkg, dependencies } = crate.manifest;
  return {
    manifest: { package: pkg, dependencies },
    targets: crate.targets,
    archive: { hasCargoLock: crate.archive.hasCargoLock },
    buildScript: crate.buildScript,
  };
}
import {
  AUGMENTED_SCHEMA,
  ENTRY_KEYS,
  type AugmentedDependency,
  type AugmentedEntry,
} from './augmented-entry.js';

/** What identifies the version in the original index. */
export interface OriginalVersion {
  readonly name: string;
  readonly vers: string;
  readonly cksum: string;
}

/**
 * The entry of a crate whose archive and manifest were read. `dev_deps` are the manifest's
 * dev-dependencies in the index's dependency shape (`name` is the name the crate uses, `package`
 * the real crate when renamed, `req` normalized as cargo writes it), in the manifest's order.
 */
export function entryFromCrate(
  original: OriginalVersion,
  crate: CrateFacts,
  keep: Record<string, unknown> = {},
): AugmentedEntry {
  const { manifest, targets, archive } = crate;
  const devDeps: AugmentedDependency[] = manifest.dependencies
    .filter((d) => d.kind === 'dev')
    .map((d) => ({
      name: d.name,
      req: d.req,
      features: [...d.features],
      optional: d.optional,
      default_features: d.default_features,
      target: d.target,
      kind: 'dev' as const,
      ...(d.package !== undefined && d.package !== d.name ? { package: d.package } : {}),
      ...(d.registry !== undefined ? { registry: d.registry } : {}),
    }));
  const pkg = manifest.package;
  return {
    ...withoutGenerated(keep),
    name: original.name,
    vers: original.vers,
    cksum: original.cksum,
    schema: AUGMENTED_SCHEMA,
    dev_deps: devDeps,
    edition: pkg.edition,
    ...(pkg.rustVersion !== undefined ? { rust_version: pkg.rustVersion } : {}),
    ...(pkg.license !== undefined ? { license: pkg.license } : {}),
    ...(pkg.links !== undefined ? { links: pkg.links } : {}),
    targets: {
      ...(targets.lib
        ? {
            lib: {
              name: targets.lib.name,
              proc_macro: targets.lib.procMacro,
              crate_types: [...targets.lib.crateTypes],
            },
          }
        : {}),
      bins: targets.bins.map((b) => b.name),
    },
    build_script: crate.buildScript !== undefined,
    cargo_lock: archive.hasCargoLock,
  };
}

/**
 * The entry of a crate that could not be read (hostile, damaged, invalid manifest): recorded with
 * its error so it is not retried every run, until the schema changes.
 */
export function errorEntry(
  original: OriginalVersion,
  error: { code?: unknown; message: string },
  keep: Record<string, unknown> = {},
): AugmentedEntry {
  return {
    ...withoutGenerated(keep),
    name: original.name,
    vers: original.vers,
    cksum: original.cksum,
    schema: AUGMENTED_SCHEMA,
    dev_deps: [],
    error: {
      code: typeof error.code === 'string' ? error.code : 'UNKNOWN',
      message: error.message.slice(0, 500),
    },
  };
}

const GENERATED = new Set(ENTRY_KEYS);

/** Fields of an older line that this generator does not produce: kept on rewrite. */
function withoutGenerated(keep: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(keep).filter(([k]) => !GENERATED.has(k)));
}
