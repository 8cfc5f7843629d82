/**
 * Writes that cannot lie: `write(2)` and `writev(2)` may write fewer bytes than asked (POSIX: "the
 * number of bytes written may be less than nbyte if there is insufficient space" on a full disk, or
 * when interrupted by a signal), and Node's `writevSync` and `FileHandle.write` return that count
 * without retrying. A short count taken for a whole write leaves a truncated file that the hash
 * (computed over the bytes received) would still vouch for. Every write loop of the store goes
 * through here: it retries the rest, and fails when the system writes nothing at all.
 * https://pubs.opengroup.org/onlinepubs/9799919799/functions/write.html
 */
import { writevSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

/** The system call a write loop makes: bytes actually written (at most the chunks' total). */
export type WritevSync = (fd: number, chunks: readonly Uint8Array[]) => number;

/** A write that made no progress: the disk is full, or the file cannot grow. */
export class NoProgressError extends Error {
  /** Node-style errno code, so callers and logs see ENOSPC as for a failing system call. */
  readonly code = 'ENOSPC';

  constructor(written: number, wanted: number) {
    super(`ENOSPC: wrote 0 bytes after ${written} of ${wanted} (no space left on device?)`);
    this.name = 'NoProgressError';
  }
}

/**
 * Writes every byte of `chunks` to `fd`, looping on short writes; returns the total. A call that
 * writes nothing is an error ({@link NoProgressError}); a call that throws (ENOSPC, EIO) throws.
 */
export function writeAllSync(
  fd: number,
  chunks: readonly Uint8Array[],
  writev: WritevSync = writevSync,
): number {
  let wanted = 0;
  for (const chunk of chunks) wanted += chunk.byteLength;
  let rest = chunks.filter((c) => c.byteLength > 0);
  let written = 0;
  while (rest.length > 0) {
    const n = writev(fd, rest);
    if (n <= 0) throw new NoProgressError(written, wanted);
    written += n;
    rest = advance(rest, n);
  }
  return written;
}

/** Writes every byte of `chunk` through `handle`, looping on short writes. */
export async function writeAllHandle(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.byteLength) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset);
    if (bytesWritten <= 0) throw new NoProgressError(offset, chunk.byteLength);
    offset += bytesWritten;
  }
}

/** The chunks left after the first `n` bytes (a partly written chunk continues where it stopped). */
function advance(chunks: readonly Uint8Array[], n: number): Uint8Array[] {
  let skip = n;
  let i = 0;
  while (i < chunks.length && skip >= (chunks[i]?.byteLength ?? 0)) {
    skip -= chunks[i]?.byteLength ?? 0;
    i++;
  }
  const rest = chunks.slice(i);
  const first = rest[0];
  if (first && skip > 0) rest[0] = first.subarray(skip);
  return rest;
}
