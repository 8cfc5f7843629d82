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
  /**
   * The text of `Cargo.toml.orig`, the manifest as its author wrote it before `cargo package`
   * normalized it (path-only and git-only dev-dependencies are still in it). `undefined` when the
   * archive has none, when it is larger than the manifest cap (`hasCargoTomlOrig` is then `true`;
   * cargo never reads it, so it does not refuse the crate), or when reading stopped at the
   * manifest (it comes after `Cargo.toml` in path order).
   */
  readonly manifestOrig: string | undefined;
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
  return new ArchiveReader(options).read(source);
}

type RefusalCode = ConstructorParameters<typeof CrateArchiveError>[0];

/** What to do with one entry's body: skip it, or keep it as one of the manifests. */
type EntryAction = 'skip' | 'manifest' | 'lower' | 'orig';

/** The body stream of one tar entry: what {@link ArchiveReader.onEntry} uses of it. */
interface EntryBody {
  on(event: 'data', listener: (chunk: unknown) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  resume(): unknown;
}

/**
 * One archive read's state, in named steps: `read` (check the body, then `feed` it to gunzip),
 * `onInflated` (the gzip-bomb guard, then tar), each entry `onEntry` and `checkEntry`, `finish`
 * (once, success or refusal), and `result`.
 */
class ArchiveReader {
  readonly #options: ReadCrateArchiveOptions;
  /** `{name}-{version}`: the root every entry must sit under, and the crate named in refusals. */
  readonly #crate: string;
  readonly #maxManifest: number;
  readonly #floor: number;
  // 256 KiB output chunks: with the default 16 KiB, each chunk is a round trip to the zlib thread
  // pool, and a crate spent most of its time waiting on those (measured: 285 -> 495 crates/s).
  readonly #gunzip = createGunzip({ chunkSize: 256 * 1024 });
  readonly #extract = tar.extract();
  readonly #files: string[] = [];
  /** Compressed size when known up front (a Buffer, or `compressedSize`). */
  #known: number | undefined;
  /** Compressed bytes fed so far. */
  #compressed = 0;
  /** Bytes gunzip produced so far. */
  #unpacked = 0;
  #root: string | undefined;
  #manifest: { text: string; name: 'Cargo.toml' | 'cargo.toml' } | undefined;
  #lowerManifest: string | undefined;
  #orig: string | undefined;
  #settled = false;
  #resolve: (complete: boolean) => void = () => undefined;
  #reject: (error: unknown) => void = () => undefined;

  constructor(options: ReadCrateArchiveOptions) {
    this.#options = options;
    this.#crate = `${options.name}-${options.version}`;
    this.#maxManifest = options.maxManifestBytes ?? DEFAULT_MAX_MANIFEST_BYTES;
    this.#floor = options.maxUnpackSize ?? MAX_UNPACK_SIZE;
    this.#known = options.compressedSize;
  }

  async read(source: Uint8Array | AsyncIterable<Uint8Array>): Promise<CrateArchive> {
    // Checked at run time too: a body that is neither bytes nor a stream is refused by name, not
    // with a TypeError from inside the gunzip pipeline.
    const isStream =
      typeof source === 'object' &&
      source !== null &&
      typeof (source as Partial<AsyncIterable<Uint8Array>>)[Symbol.asyncIterator] === 'function';
    if (!(source instanceof Uint8Array) && !isStream) {
      this.finish(undefined, false); // releases the two streams; nothing awaits the read yet
      throw this.#refuse(
        'CRATE_CORRUPT',
        String(source).slice(0, 100),
        'the body is neither bytes nor an async iterable of bytes',
      );
    }
    if (source instanceof Uint8Array) this.#known = this.#compressed = source.length;
    // Event-driven rather than `for await`: per-entry async iteration cost more than gunzip itself
    // on typical crates (measured in `npm run bench`).
    const complete = await new Promise<boolean>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
      this.#extract.on('entry', (header, stream, next) => this.onEntry(header, stream, next));
      this.#extract.on('finish', () => this.finish(undefined, true));
      this.#gunzip.on('error', (error) => this.#corrupt(error));
      this.#extract.on('error', (error) => this.#corrupt(error));
      this.#gunzip.on('data', (chunk: Buffer) => this.onInflated(chunk));
      this.#gunzip.on('end', () => this.#extract.end(Buffer.alloc(0)));
      if (source instanceof Uint8Array) this.#gunzip.end(source);
      else void this.feed(source);
    });
    return this.result(complete);
  }

  /** Writes a streamed body into gunzip, minding its back-pressure, until done or settled. */
  async feed(source: AsyncIterable<Uint8Array>): Promise<void> {
    const gunzip = this.#gunzip;
    try {
      for await (const chunk of source) {
        if (this.#settled) return;
        this.#compressed += chunk.length;
        if (!gunzip.write(chunk)) await new Promise((r) => gunzip.once('drain', r));
      }
      gunzip.end();
    } catch (error) {
      this.#corrupt(error);
    }
  }

  /** The gzip-bomb guard counts what gunzip produces before tar sees it. */
  onInflated(chunk: Buffer): void {
    this.#unpacked += chunk.length;
    // With an unknown size the ratio is applied to what has arrived so far (slightly stricter
    // than cargo).
    const max = Math.max(this.#floor, MAX_COMPRESSION_RATIO * (this.#known ?? this.#compressed));
    if (this.#unpacked > max) {
      this.finish(
        this.#refuse(
          'CRATE_GZIP_BOMB',
          this.#crate,
          `unpacks to more than ${max} bytes (max(${this.#floor}, ${MAX_COMPRESSION_RATIO} x compressed size))`,
        ),
        false,
      );
    } else if (!this.#extract.write(chunk)) {
      this.#gunzip.pause();
      this.#extract.once('drain', () => this.#gunzip.resume());
    }
  }

  /** One tar entry: checked, then skipped or read whole (a manifest). */
  onEntry(header: tar.Header, stream: EntryBody, next: () => void): void {
    let action: EntryAction;
    try {
      action = this.checkEntry(header);
    } catch (error) {
      this.finish(error, false);
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
      if (action === 'manifest') this.#manifest = { text, name: 'Cargo.toml' };
      else if (action === 'orig') this.#orig = text;
      else this.#lowerManifest = text;
      if (this.#manifest && this.#options.stopAtManifest) this.finish(undefined, false);
      else next();
    });
  }

  /** Checks one entry's path and type; returns what to do with its body. */
  checkEntry(header: tar.Header): EntryAction {
    const expectedRoot = this.#crate;
    const path = normalizeEntryPath(header.name);
    if (path === undefined) {
      throw this.#refuse(
        'CRATE_PATH_OUTSIDE_ROOT',
        header.name,
        `entry ${JSON.stringify(header.name)} has an absolute or parent path`,
      );
    }
    const [top = '', ...rest] = path.split('/');
    if (top !== expectedRoot && top.toLowerCase() !== expectedRoot.toLowerCase()) {
      throw this.#refuse(
        'CRATE_PATH_OUTSIDE_ROOT',
        header.name,
        `entry ${JSON.stringify(header.name)} is not under ${expectedRoot}/`,
      );
    }
    if (this.#root === undefined) this.#root = top;
    else if (top !== this.#root) {
      throw this.#refuse(
        'CRATE_PATH_OUTSIDE_ROOT',
        header.name,
        `entry ${JSON.stringify(header.name)} is under ${top}/, not ${this.#root}/`,
      );
    }
    if (header.type !== 'file' && header.type !== 'directory') {
      throw this.#refuse(
        'CRATE_ENTRY_TYPE',
        header.name,
        `entry ${JSON.stringify(header.name)} is a ${header.type}, only files and directories are allowed`,
      );
    }
    const inner = rest.join('/');
    if (header.type === 'directory' || inner === '') return 'skip';
    this.#files.push(inner);
    if (inner === 'Cargo.toml.orig')
      return (header.size ?? 0) > this.#maxManifest ? 'skip' : 'orig';
    if (inner !== 'Cargo.toml' && inner !== 'cargo.toml') return 'skip';
    if ((header.size ?? 0) > this.#maxManifest) {
      throw this.#refuse(
        'CRATE_MANIFEST_TOO_LARGE',
        header.name,
        `${inner} is ${header.size} bytes, more than ${this.#maxManifest}`,
      );
    }
    return inner === 'Cargo.toml' ? 'manifest' : 'lower';
  }

  /** Ends the read once: both streams are destroyed, and the promise settles. */
  finish(error: unknown, complete: boolean): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#gunzip.destroy();
    this.#extract.destroy();
    if (error === undefined) this.#resolve(complete);
    else this.#reject(error);
  }

  /** What the archive holds, or a refusal when it holds no manifest. */
  result(complete: boolean): CrateArchive {
    const expectedRoot = this.#crate;
    let manifest = this.#manifest;
    // Very old crates (2014-2015) may carry only a lowercase cargo.toml; cargo on a
    // case-insensitive file system read it, so we accept it when no Cargo.toml exists and say so.
    if (!manifest && this.#lowerManifest !== undefined)
      manifest = { text: this.#lowerManifest, name: 'cargo.toml' };
    const root = this.#root;
    if (!manifest || root === undefined) {
      throw this.#refuse(
        'CRATE_NO_MANIFEST',
        this.#crate,
        `no ${expectedRoot}/Cargo.toml in the archive`,
      );
    }
    const files = this.#files;
    const has = (p: string) => files.includes(p);
    return {
      root,
      rootCaseDiffers: root !== expectedRoot,
      manifest: manifest.text,
      manifestName: manifest.name,
      manifestOrig: this.#orig,
      files,
      hasCargoTomlOrig: has('Cargo.toml.orig'),
      hasCargoLock: has('Cargo.lock'),
      hasCargoVcsInfo: has('.cargo_vcs_info.json'),
      hasBuildRs: has('build.rs'),
      unpackedBytes: this.#unpacked,
      complete,
    };
  }

  /** A gunzip or tar failure: a refusal we raised passes through, anything else is corruption. */
  #corrupt(error: unknown): void {
    if (error instanceof CrateArchiveError) this.finish(error, false);
    else
      this.finish(
        this.#refuse(
          'CRATE_CORRUPT',
          this.#crate,
          `not a valid gzip tar: ${(error as Error).message}`,
          error,
        ),
        false,
      );
  }

  #refuse(code: RefusalCode, input: string, reason: string, cause?: unknown): CrateArchiveError {
    return new CrateArchiveError(
      code,
      this.#crate,
      input,
      reason,
      cause === undefined ? undefined : { cause },
    );
  }
}
