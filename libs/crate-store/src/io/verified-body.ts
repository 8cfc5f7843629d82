/**
 * Reading a body while hashing it: the one place that decides whether bytes may be stored.
 */
import { createHash } from 'node:crypto';
import type { CrateBody } from '../crate-store.js';
import { ChecksumMismatchError, CrateTooLargeError } from '../errors.js';

/** Largest object a single S3 PUT accepts (5 GiB); also the default cap of every backend. */
export const MAX_SINGLE_PUT_BYTES = 5 * 1024 ** 3;

/** Iterates `body` as chunks. */
export async function* chunksOf(body: CrateBody): AsyncIterable<Uint8Array> {
  if (body instanceof Uint8Array) yield body;
  else yield* body;
}

/** Releases a body that will not be read (closes an HTTP response or file stream). */
export async function releaseBody(body: CrateBody): Promise<void> {
  if (body instanceof Uint8Array) return;
  const iterator = body[Symbol.asyncIterator]();
  await iterator.return?.();
}

/**
 * Hashes chunks as they pass, counts bytes, enforces `maxBytes` and, at the end, compares with the
 * expected hex digest. `onChunk` sees every chunk before it is counted as verified.
 */
export async function consumeVerified(
  crate: string,
  body: CrateBody,
  expectedHex: string,
  options: {
    readonly maxBytes: number;
    readonly signal?: AbortSignal;
    readonly onChunk: (chunk: Uint8Array) => void | Promise<void>;
  },
): Promise<{ bytes: number; digest: Buffer }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of chunksOf(body)) {
    options.signal?.throwIfAborted();
    bytes += chunk.byteLength;
    if (bytes > options.maxBytes) throw new CrateTooLargeError(crate, options.maxBytes);
    hash.update(chunk);
    await options.onChunk(chunk);
  }
  options.signal?.throwIfAborted();
  const digest = hash.digest();
  const actual = digest.toString('hex');
  if (actual !== expectedHex) throw new ChecksumMismatchError(crate, expectedHex, actual, bytes);
  return { bytes, digest };
}
