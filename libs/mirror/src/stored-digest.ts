/**
 * Reading a stored object back: its sha256 and size, streamed (never held whole). A sync's
 * `reread`, a scrub and a repair's read-back all prove a stored copy this way.
 */
import { createHash } from 'node:crypto';
import type { CrateRefInput, CrateStore } from '@lcs/crate-store';
import type { ByteRate } from './byte-rate.js';
import type { FileDigestPool } from './file-digest-pool.js';

/** A stored object's digest; `sha256` is `undefined` when the object is absent. */
export interface StoredDigest {
  readonly sha256: string | undefined;
  readonly bytes: number;
}

/**
 * Reads the stored `.crate` of `ref` whole and hashes it, paced by `rate` when given. A store on
 * local disk is hashed by `pool` when given; its pacing then follows each whole file.
 */
export async function storedDigest(
  store: CrateStore,
  ref: CrateRefInput,
  signal: AbortSignal,
  rate?: ByteRate,
  pool?: FileDigestPool,
): Promise<StoredDigest> {
  if (pool && store.localFile) {
    signal.throwIfAborted();
    const digest = await pool.digest(store.localFile(ref));
    if (rate) await rate.take(digest.bytes, signal);
    return digest;
  }
  const body = await store.get(ref);
  if (!body) return { sha256: undefined, bytes: 0 };
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of body) {
    signal.throwIfAborted();
    hash.update(chunk);
    bytes += chunk.byteLength;
    if (rate) await rate.take(chunk.byteLength, signal);
  }
  return { sha256: hash.digest('hex'), bytes };
}
