import {
  readCrateArchive,
  type CrateArchive,
  type ReadCrateArchiveOptions,
} from './crate-archive.js';
import { parseManifest, type Manifest } from './manifest.js';
import { manifestTargets, type ManifestTargets } from './manifest-targets.js';

/** Everything {@link readCrateManifest} learns from one `.crate`. */
export interface CrateManifest {
  readonly archive: CrateArchive;
  readonly manifest: Manifest;
  readonly targets: ManifestTargets;
  /**
   * The build script cargo would run: `package.build` when it names a path, none when it is
   * `false`, otherwise `build.rs` when the crate has one
   * (https://doc.rust-lang.org/cargo/reference/build-scripts.html).
   */
  readonly buildScript: string | undefined;
}

/**
 * Reads a `.crate` safely and parses its manifest: the whole archive is read (so the file-based
 * facts are complete), then the manifest, targets and build script are derived.
 * @throws {CrateArchiveError} for a hostile or damaged archive.
 * @throws {ManifestError} for a manifest cargo would reject.
 */
export async function readCrateManifest(
  source: Uint8Array | AsyncIterable<Uint8Array>,
  options: Omit<ReadCrateArchiveOptions, 'stopAtManifest'>,
): Promise<CrateManifest> {
  const archive = await readCrateArchive(source, options);
  const manifest = parseManifest(archive.manifest);
  const targets = manifestTargets(
    manifest.raw,
    manifest.package.name,
    manifest.package.edition,
    archive.files,
  );
  const build = manifest.package.build;
  const buildScript =
    typeof build === 'string'
      ? build
      : build === false
        ? undefined
        : archive.hasBuildRs || build === true
          ? 'build.rs'
          : undefined;
  return { archive, manifest, targets, buildScript };
}
