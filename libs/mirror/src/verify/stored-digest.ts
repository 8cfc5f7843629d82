/**
 * Reading a stored object back: its sha256 and size, streamed (never held whole). A sync's
 * `reread`, a scrub and a repair's read-back all prove a stored copy this way.
 *
 * A read that stops delivering bytes is cut after `idleMs`: a stalled S3 GET (a server that sent
 * headers, or part of a body, then nothing) would otherwise hold its slot, and the scrub's drain,
 * for as long as the socket stays open.
 */
import { createHash } from 'node:crypto';
import { crateKey, type CrateRefInput, type CrateStore } from '@lcs/crate-store';
import type { ByteRate } from './byte-rate.js';
import { MirrorError } from '../errors.js';
import type { FileDigestPool } from './file-digest-pool.js';

/** A stored object's digest; `sha256` is `undefined` when the object is absent. */
export interface StoredDigest {
  readonly sha256: string | undefined;
  readonly bytes: number;
}

/** Options of {@link storedDigest}. */
export interface StoredDigestOptions {
  readonly signal: AbortSignal;
  /** Paces the reading (the whole file's size at once when `pool` hashes it). */
  readonly rate?: ByteRate;
  /** Hashes a store on local disk (`CrateStore.localFile`) in worker threads. */
  readonly pool?: FileDigestPool;
  /** Longest wait for the object or its next bytes, ms (default 60 s). */
  readonly idleMs?: number;
}

/** Default longest silence of a read: far above any healthy store's, far below a hung socket's. */
const IDLE_MS = 60_000;

/**
 * Reads the stored `.crate` of `ref` whole and hashes it.
 * @throws {MirrorError} `VERIFY_READ_STALLED` when no bytes came for `idleMs` (the read is dropped).
 */
export async function storedDigest(
  store: CrateStore,
  ref: CrateRefInput,
  options: StoredDigestOptions,
): Promise<StoredDigest> {
  const { signal, rate, pool } = options;
  if (pool && store.localFile) {
    signal.throwIfAborted();
    const digest = await pool.digest(store.localFile(ref));
    if (rate) await rate.take(digest.bytes, signal);
    return digest;
  }
  const idleMs = options.idleMs ?? IDLE_MS;
  const key = crateKey(ref);
  const body = await within(store.get(ref), idleMs, key, (late) => drop(late));
  if (!body) return { sha256: undefined, bytes: 0 };
  const hash = createHash('sha256');
  let bytes = 0;
  const chunks = body[Symbol.asyncIterator]();
  try {
    for (;;) {
      signal.throwIfAborted();
      const next = await within(chunks.next(), idleMs, key, () => undefined);
      if (next.done) break;
      hash.update(next.value);
      bytes += next.value.byteLength;
      if (rate) await rate.take(next.value.byteLength, signal);
    }
  } catch (error) {
    drop(body);
    throw error;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** `pending`, or a `VERIFY_READ_STALLED` error after `ms`; what arrives too late goes to `late`. */
function within<T>(
  pending: Promise<T>,
  ms: number,
  key: string,
  late: (value: T) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let expired = false;
    const timer = setTimeout(() => {
      expired = true;
      reject(
        new MirrorError(
          'VERIFY_READ_STALLED',
          key,
          `${key}: no bytes from the store for ${ms} ms; the read was dropped`,
        ),
      );
    }, ms);
    pending.then(
      (value) => {
        clearTimeout(timer);
        if (expired) late(value);
        else resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (!expired) reject(error as Error);
      },
    );
  });
}

/** Ends a body that will not be read on: its socket or file is released. */
function drop(body: AsyncIterable<Uint8Array> | undefined): void {
  if (!body) return;
  const stream = body as { destroy?: () => void };
  if (typeof stream.destroy === 'function') stream.destroy();
  else void (body as AsyncGenerator<Uint8Array>).return?.(undefined)?.catch(() => undefined);
}
