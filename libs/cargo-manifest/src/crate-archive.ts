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
  // Checked at run time too: a body that is neither bytes nor a stream is refused by name, not with a
  // TypeError from inside the gunzip pipeline.
  const isStream =
    typeof source === 'object' &&
    source !== null &&
    typeof (source as Partial<AsyncIterable<Uint8Array>>)[Symbol.asyncIterator] === 'function';
  if (!(source instanceof Uint8Array) && !isStream)
    throw refuse(
      'CRATE_CORRUPT',
      String(source).slice(0, 100),
      'the body is neither bytes nor an async iterable of bytes',
    );
  const maxManifest = options.maxManifestBytes ?? DEFAULT_MAX_MANIFEST_BYTES;
  const floor = options.maxUnpackSize ?? MAX_UNPACK_SIZE;

  let compressed = source instanceof Uint8Array ? source.length : 0;
  const known = source instanceof Uint8Array ? source.length : options.compressedSize;
  // 256 KiB output chunks: with the default 16 KiB, each chunk is a round trip to the zlib thread
  // pool, and a crate spent most of its time waiting on those (measured: 285 -> 495 crates/s).
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  // With an unknown size the ratio is applied to what has arrived so far (slightly stricter than cargo).
  const limit = () => Math.max(floor, MAX_COMPRESSION_RATIO * (known ?? compressed));
  let unpacked = 0;
  const extract = tar.extract();

  let root: string | undefined;
  let manifest: { text: string; name: 'Cargo.toml' | 'cargo.toml' } | undefined;
  let lowerManifest: string | undefined;
  const files: string[] = [];
  const expectedRoot = crate;

  /** Checks one entry; returns what to do with its body. */
  const check = (header: tar.Header): 'skip' | 'manifest' | 'lower' => {
    const path = normalizeEntryPath(header.name);
    if (path === undefined) {
      throw refuse(
        'CRATE_PATH_OUTSIDE_ROOT',
        header.name,
        `entry ${JSON.stringify(header.name)} has an absolute or parent path`,
      );
    }
    const [top = '', ...rest] = path.split('/');
    if (top !== expectedRoot && top.toLowerCase() !== expectedRoot.toLowerCase()) {
      throw refuse(
        'CRATE_PATH_OUTSIDE_ROOT',
        header.name,
        `entry ${JSON.stringify(header.name)} is not under ${expectedRoot}/`,
      );
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
    if (header.type === 'directory' || inner === '') return 'skip';
    files.push(inner);
    if (inner !== 'Cargo.toml' && inner !== 'cargo.toml') return 'skip';
    if ((header.size ?? 0) > maxManifest) {
      throw refuse(
        'CRATE_MANIFEST_TOO_LARGE',
        header.name,
        `${inner} is ${header.size} bytes, more than ${maxManifest}`,
      );
    }
    return inner === 'Cargo.toml' ? 'manifest' : 'lower';
  };

  // Event-driven rather than `for await`: per-entry async iteration cost more than gunzip itself on
  // typical crates (measured in `npm run bench`).
  const complete = await new Promise<boolean>((resolve, reject) => {
    let settled = false;
    const finish = (error: unknown, done: boolean) => {
      if (settled) return;
      settled = true;
      gunzip.destroy();
      extract.destroy();
      if (error === undefined) resolve(done);
      else reject(error);
    };
    extract.on('entry', (header, stream, next) => {
      let action: ReturnType<typeof check>;
      try {
        action = check(header);
      } catch (error) {
        finish(error, false);
        return;
      }
      if (action === 'skip') {
        stream.on('end', next);
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => {
        chunks.push(c as Buffer);
      });
      stream.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (action === 'manifest') manifest = { text, name: 'Cargo.toml' };
        else lowerManifest = text;
        if (manifest && options.stopAtManifest) finish(undefined, false);
        else next();
      });
    });
    extract.on('finish', () => finish(undefined, true));
    const corrupt = (error: unknown) => {
      if (error instanceof CrateArchiveError) finish(error, false);
      else
        finish(
          refuse(
            'CRATE_CORRUPT',
            crate,
            `not a valid gzip tar: ${(error as Error).message}`,
            error,
          ),
          false,
        );
    };
    gunzip.on('error', corrupt);
    extract.on('error', corrupt);
    // The gzip-bomb guard counts what gunzip produces before tar sees it.
    gunzip.on('data', (chunk: Buffer) => {
      unpacked += chunk.length;
      const max = limit();
      if (unpacked > max) {
        finish(
          refuse(
            'CRATE_GZIP_BOMB',
            crate,
            `unpacks to more than ${max} bytes (max(${floor}, ${MAX_COMPRESSION_RATIO} x compressed size))`,
          ),
          false,
        );
      } else if (!extract.write(chunk)) {
        gunzip.pause();
        extract.once('drain', () => gunzip.resume());
      }
    });
    gunzip.on('end', () => {
      extract.end(Buffer.alloc(0));
    });
    if (source instanceof Uint8Array) gunzip.end(source);
    else {
      void (async () => {
        try {
          for await (const chunk of source) {
            if (settled) return;
            compressed += chunk.length;
            if (!gunzip.write(chunk)) await new Promise((r) => gunzip.once('drain', r));
          }
          gunzip.end();
        } catch (error) {
          corrupt(error);
        }
      })();
    }
  });

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
    unpackedBytes: unpacked,
    complete,
  };
}
