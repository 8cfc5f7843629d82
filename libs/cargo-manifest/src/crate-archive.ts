import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { CrateArchiveError } from './errors.js';

/** cargo's floor for the unpacked size of one crate (`MAX_UNPACK_SIZE`, 512 MiB). */
export const MAX_UNPACK_SIZE = 512 * 1024 * 1024;
/** cargo's cap on the compression ratio (`MAX_COMPRESSION_RATIO`). */
export const MAX_COMPRESSION_RATIO = 20;
/** Largest `Cargo.toml` read by default: crates.io's largest manifests are a few hundred KiB. */
export const DEFAULT_MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** Options of {@link readCrateArchive}. */
export interface ReadCrateArchiveOptions {
  /** The crate's name as the index spells it. */
  readonly name: string;
  /** The version as the index spells it. */
  readonly version: string;
  /** Size of the compressed archive; known for a Buffer, else counted while reading. */
  readonly compressedSize?: number;
  /** Floor of the unpacked-size cap (default {@link MAX_UNPACK_SIZE}); the cap is max(floor, 20 x compressed). */
  readonly maxUnpackSize?: number;
  /** Largest accepted manifest (default {@link DEFAULT_MAX_MANIFEST_BYTES}). */
  readonly maxManifestBytes?: number;
  /**
   * Stop as soon as the manifest is read (default `false`). The presence flags then cover only the
   * entries before it, and `complete` is `false`. cargo writes entries in path order, so
   * `.cargo_vcs_info.json` and `Cargo.lock` come before `Cargo.toml`; `build.rs` comes after.
   */
  readonly stopAtManifest?: boolean;
}

/** What {@link readCrateArchive} found. */
export interface CrateArchive {
  /** The top directory as stored; equals `{name}-{version}` except for case in some old crates. */
  readonly root: string;
  /** `true` when `root` differs from `{name}-{version}` by letter case only (accepted, see README). */
  readonly rootCaseDiffers: boolean;
  /** The manifest's text. */
  readonly manifest: string;
  /** The manifest's file name: `Cargo.toml`, or `cargo.toml` in a few very old crates. */
  readonly manifestName: 'Cargo.toml' | 'cargo.toml';
  /** Paths (relative to `root`) of every regular file seen. */
  readonly files: string[];
  readonly hasCargoTomlOrig: boolean;
  readonly hasCargoLock: boolean;
  readonly hasCargoVcsInfo: boolean;
  readonly hasBuildRs: boolean;
  /** Bytes of tar data decompressed. */
  readonly unpackedBytes: number;
  /** `false` when reading stopped at the manifest. */
  readonly complete: boolean;
}

/** Counts bytes on both sides of gunzip and enforces cargo's gzip-bomb cap. */
class SizeGuard extends Transform {
  unpacked = 0;
  constructor(
    private readonly limit: () => number,
    private readonly onExceeded: (limit: number) => Error,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.unpacked += chunk.length;
    const limit = this.limit();
    if (this.unpacked > limit) done(this.onExceeded(limit));
    else done(null, chunk);
  }
}

/** Stop signal used internally when `stopAtManifest` is set. */
class Stop extends Error {}

function normalizeEntryPath(raw: string): string | undefined {
  // Refuse absolute paths, Windows drive/UNC forms, backslashes, NUL and any `.`/`..` component.
  if (raw.includes('\0') || raw.includes('\\') || raw.startsWith('/') || /^[A-Za-z]:/.test(raw))
    return undefined;
  const parts = raw.split('/').filter((p, i, all) => p !== '' || i === all.length - 1);
  if (parts.some((p) => p === '.' || p === '..')) return undefined;
  return parts.join('/').replace(/\/$/, '');
}

/**
 * Reads a `.crate` (a gzip tar whose entries all sit under `{name}-{version}/`) as a stream, never
 * extracting to disk, and returns its manifest and what else it holds. Applies cargo's guards
 * (cargo/src/cargo/sources/registry/mod.rs, `unpack_package`): unpacked bytes are capped at
 * max(512 MiB, 20 x compressed size); every entry must be under the root directory; and, beyond cargo,
 * only regular files and directories are accepted (no symlinks, hard links or devices), paths may not
 * contain `..`, and the manifest is capped in size.
 * @throws {CrateArchiveError} with a code naming the reason.
 */
export async function readCrateArchive(
  source: Uint8Array | AsyncIterable<Uint8Array>,
  options: ReadCrateArchiveOptions,
): Promise<CrateArchive> {
  const crate = `${options.name}-${options.version}`;
  const refuse = (
    code: ConstructorParameters<typeof CrateArchiveError>[0],
    input: string,
    reason: string,
    cause?: unknown,
  ) =>
    new CrateArchiveError(code, crate, input, reason, cause === undefined ? undefined : { cause });
  const maxManifest = options.maxManifestBytes ?? DEFAULT_MAX_MANIFEST_BYTES;
  const floor = options.maxUnpackSize ?? MAX_UNPACK_SIZE;

  let compressed = source instanceof Uint8Array ? source.length : 0;
  const known = source instanceof Uint8Array ? source.length : options.compressedSize;
  const input =
    source instanceof Uint8Array
      ? Readable.from([source])
      : Readable.from(
          (async function* () {
            for await (const chunk of source) {
              compressed += chunk.length;
              yield chunk;
            }
          })(),
        );
  // With an unknown size the ratio is applied to what has arrived so far (slightly stricter than cargo).
  const guard = new SizeGuard(
    () => Math.max(floor, MAX_COMPRESSION_RATIO * (known ?? compressed)),
    (limit) =>
      refuse(
        'CRATE_GZIP_BOMB',
        crate,
        `unpacks to more than ${limit} bytes (max(${floor}, ${MAX_COMPRESSION_RATIO} x compressed size))`,
      ),
  );
  const extract = tar.extract();

  let root: string | undefined;
  let manifest: { text: string; name: 'Cargo.toml' | 'cargo.toml' } | undefined;
  let lowerManifest: string | undefined;
  const files: string[] = [];
  const expectedRoot = crate;

  const consume = async () => {
    for await (const entry of extract) {
      const header = entry.header;
      const path = normalizeEntryPath(header.name);
      if (path === undefined) {
        throw refuse(
          'CRATE_PATH_OUTSIDE_ROOT',
          header.name,
          `entry ${JSON.stringify(header.name)} has an absolute or parent path`,
        );
      }
      const [top = '', ...rest] = path.split('/');
      if (top !== expectedRoot) {
        if (top.toLowerCase() !== expectedRoot.toLowerCase()) {
          throw refuse(
            'CRATE_PATH_OUTSIDE_ROOT',
            header.name,
            `entry ${JSON.stringify(header.name)} is not under ${expectedRoot}/`,
          );
        }
      }
      if (root === undefined) root = top;
      else if (top !== root) {
        throw refuse(
          'CRATE_PATH_OUTSIDE_ROOT',
          header.name,
          `entry ${JSON.stringify(header.name)} is under ${top}/, not ${root}/`,
        );
      }
      if (header.type !== 'file' && header.type !== 'directory') {
        throw refuse(
          'CRATE_ENTRY_TYPE',
          header.name,
          `entry ${JSON.stringify(header.name)} is a ${header.type}, only files and directories are allowed`,
        );
      }
      const inner = rest.join('/');
      if (header.type === 'directory' || inner === '') {
        entry.resume();
        continue;
      }
      files.push(inner);
      if (inner === 'Cargo.toml' || inner === 'cargo.toml') {
        if ((header.size ?? 0) > maxManifest) {
          throw refuse(
            'CRATE_MANIFEST_TOO_LARGE',
            header.name,
            `${inner} is ${header.size} bytes, more than ${maxManifest}`,
          );
        }
        const chunks: Buffer[] = [];
        for await (const chunk of entry) chunks.push(chunk as Buffer);
        const text = Buffer.concat(chunks).toString('utf8');
        if (inner === 'Cargo.toml') manifest = { text, name: 'Cargo.toml' };
        else lowerManifest = text;
        if (manifest && options.stopAtManifest) throw new Stop();
        continue;
      }
      entry.resume();
    }
  };

  let complete = true;
  try {
    await Promise.all([
      pipeline(input, createGunzip(), guard, extract).catch((e: unknown) => {
        if (!(e instanceof Stop)) throw e;
      }),
      consume().catch((e: unknown) => {
        extract.destroy(e instanceof Error ? e : new Error(String(e)));
        throw e;
      }),
    ]);
  } catch (error) {
    if (error instanceof Stop) complete = false;
    else if (error instanceof CrateArchiveError) throw error;
    else if ((error as { cause?: unknown }).cause instanceof Stop) complete = false;
    else
      throw refuse(
        'CRATE_CORRUPT',
        crate,
        `not a valid gzip tar: ${(error as Error).message}`,
        error,
      );
  }

  // Very old crates (2014-2015) may carry only a lowercase cargo.toml; cargo on a case-insensitive
  // file system read it, so we accept it when no Cargo.toml exists and say so.
  if (!manifest && lowerManifest !== undefined)
    manifest = { text: lowerManifest, name: 'cargo.toml' };
  if (!manifest || root === undefined) {
    throw refuse('CRATE_NO_MANIFEST', crate, `no ${expectedRoot}/Cargo.toml in the archive`);
  }
  const has = (p: string) => files.includes(p);
  return {
    root,
    rootCaseDiffers: root !== expectedRoot,
    manifest: manifest.text,
    manifestName: manifest.name,
    files,
    hasCargoTomlOrig: has('Cargo.toml.orig'),
    hasCargoLock: has('Cargo.lock'),
    hasCargoVcsInfo: has('.cargo_vcs_info.json'),
    hasBuildRs: has('build.rs'),
    unpackedBytes: guard.unpacked,
    complete,
  };
}
