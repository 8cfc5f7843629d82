/**
 * A verified body kept in memory while small and spooled to a temporary file past a threshold, so a
 * store that must know the whole body before sending it (one S3 PUT with its sha256) holds at most
 * `threshold` bytes per body in memory, whatever the crate's size.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, unlink, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreFailedError } from '../errors.js';
import { ownedTempSegment, sweepTempDir, type SweepResult } from '../io/temp-files.js';
import { writeAllHandle } from '../io/write-all.js';

/** Spool files' names start with this (`.lcs-spool.<owner>.tmp`); releases before used `.lcs-spool-`. */
const SPOOL_PREFIX = '.lcs-spool.';

/** Removes the spool files dead puts left in `dir` (see `temp-files.ts`). */
export function sweepSpoolDir(dir: string, olderThanMs: number): SweepResult {
  return sweepTempDir(
    dir,
    (name) => name.startsWith('.lcs-spool') && name.endsWith('.tmp'),
    olderThanMs,
  );
}

/** Bodies up to this size stay in memory (crates.io's crates are mostly far smaller). */
export const DEFAULT_SPOOL_THRESHOLD = 8 * 1024 * 1024;

/** Collects chunks, spilling to a file past `threshold`. */
export class SpooledBody {
  private chunks: Uint8Array[] = [];
  private size = 0;
  private file: { path: string; handle: FileHandle } | undefined;

  constructor(
    private readonly threshold = DEFAULT_SPOOL_THRESHOLD,
    private readonly dir = tmpdir(),
  ) {}

  /** Adds a chunk (to memory, or to the spool file once past the threshold). */
  async add(chunk: Uint8Array): Promise<void> {
    this.size += chunk.byteLength;
    if (!this.file && this.size <= this.threshold) {
      this.chunks.push(chunk);
      return;
    }
    if (!this.file) {
      await mkdir(this.dir, { recursive: true });
      const path = join(this.dir, `${SPOOL_PREFIX}${ownedTempSegment()}.tmp`);
      const handle = await open(path, 'wx', 0o600).catch((error: unknown) => {
        throw new StoreFailedError(path, 'spool', { cause: error });
      });
      this.file = { path, handle };
      const pending = this.chunks;
      this.chunks = [];
      for (const c of pending) await this.write(c);
    }
    await this.write(chunk);
  }

  /** `true` when the body went to a file. */
  get spooled(): boolean {
    return this.file !== undefined;
  }

  /** The body in memory (only when not spooled). */
  bytes(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }

  /**
   * A fresh stream of the spooled body (one per attempt: a stream is read once), once the file is
   * flushed and holds exactly the bytes that were added.
   */
  async stream(): Promise<NodeJS.ReadableStream> {
    const file = this.file;
    if (!file) throw new StoreFailedError('(in memory)', 'spool', { cause: notSpooled() });
    const size = await file.handle
      .sync()
      .then(() => file.handle.stat())
      .then((info) => info.size)
      .catch((error: unknown) => {
        throw new StoreFailedError(file.path, 'spool', { cause: error });
      });
    if (size !== this.size)
      throw new StoreFailedError(file.path, 'spool', {
        cause: new RangeError(`${file.path} holds ${size} bytes, ${this.size} were added`),
      });
    return createReadStream(file.path);
  }

  /** Removes the spool file. */
  async dispose(): Promise<void> {
    this.chunks = [];
    if (!this.file) return;
    const { path, handle } = this.file;
    this.file = undefined;
    await handle.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
  }

  private async write(chunk: Uint8Array): Promise<void> {
    const file = this.file;
    if (!file) return;
    await writeAllHandle(file.handle, chunk).catch((error: unknown) => {
      throw new StoreFailedError(file.path, 'spool', { cause: error });
    });
  }
}

function notSpooled(): RangeError {
  return new RangeError('stream() of a body that is not spooled');
}
