/** Small helpers for crate-store tests: bodies with their index cksum, temp dirs, streams. */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CrateToStore } from '../crate-key.js';

/** A random body and the crate reference whose cksum matches it. */
export function crateWithBody(
  name: string,
  version: string,
  size = 1024,
): { crate: CrateToStore; body: Buffer } {
  const body = randomBytes(size);
  return { crate: { name, version, cksum: createHash('sha256').update(body).digest('hex') }, body };
}

/**
 * Yields `body` in `chunk`-sized pieces (`delayMs` apart), then throws `failWith` if given (a reset
 * mid-body).
 */
export async function* chunked(
  body: Buffer,
  chunk = 256,
  failWith?: Error,
  delayMs = 0,
): AsyncIterable<Uint8Array> {
  for (let i = 0; i < body.length; i += chunk) {
    yield body.subarray(i, i + chunk);
    await new Promise((r) => (delayMs > 0 ? setTimeout(r, delayMs) : setImmediate(r)));
  }
  if (failWith) throw failWith;
}

/** Concatenates a stream. */
export async function collect(
  stream: AsyncIterable<Uint8Array> | undefined,
): Promise<Buffer | undefined> {
  if (!stream) return undefined;
  const chunks: Uint8Array[] = [];
  for await (const c of stream) chunks.push(c);
  return Buffer.concat(chunks);
}

/** A temporary directory removed by the returned function. */
export function tempDir(prefix = 'lcs-store-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** All items of an async iterable (Array.fromAsync arrives with Node 22). */
export async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
