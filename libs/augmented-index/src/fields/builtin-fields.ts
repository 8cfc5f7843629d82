/**
 * The fields this library writes itself, defined through the same interface as any other team's.
 * Each equals what `cargo metadata` says of the published crate (checked on the real Debian corpus
 * by the lib's conformance tests). All are at version 1: the layout schema 1 lines hold.
 */
import type { AugmentedDependency } from '../entry/augmented-entry.js';
import { defineField, type CrateField } from './field.js';

/**
 * The manifest's dev-dependencies in the index's dependency shape (`name` is the name the crate
 * uses, `package` the real crate when renamed, `req` normalized as cargo writes it), in order.
 */
const devDeps = defineField({
  name: 'dev_deps',
  version: 1,
  source: 'crate',
  generate: ({ cargo }): AugmentedDependency[] =>
    cargo.manifest.dependencies
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
      })),
});

const edition = defineField({
  name: 'edition',
  version: 1,
  source: 'crate',
  generate: ({ cargo }) => cargo.manifest.package.edition,
});

const rustVersion = defineField({
  name: 'rust_version',
  version: 1,
  source: 'crate',
  generate: ({ cargo }) => cargo.manifest.package.rustVersion,
});

const license = defineField({
  name: 'license',
  version: 1,
  source: 'crate',
  generate: ({ cargo }) => cargo.manifest.package.license,
});

const links = defineField({
  name: 'links',
  version: 1,
  source: 'crate',
  generate: ({ cargo }) => cargo.manifest.package.links,
});

const targets = defineField({
  name: 'targets',
  version: 1,
  source: 'crate',
  generate: ({ cargo: { targets } }) => ({
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
  }),
});

const buildScript = defineField({
  name: 'build_script',
  version: 1,
  source: 'crate',
  generate: ({ cargo }) => cargo.buildScript !== undefined,
});

const cargoLock = defineField({
  name: 'cargo_lock',
  version: 1,
  source: 'crate',
  generate: ({ cargo }) => cargo.archive.hasCargoLock,
});

/** The built-in fields, in the order they are written. */
export const BUILTIN_FIELDS: readonly CrateField[] = [
  devDeps,
  edition,
  rustVersion,
  license,
  links,
  targets,
  buildScript,
  cargoLock,
];
