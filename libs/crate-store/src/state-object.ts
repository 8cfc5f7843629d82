/**
 * JSON state too large for a metadata value (etcd takes 1.5 MiB per request), kept in the crate
 * store under `_lcs/` by its content, while the metadata value holds a pointer with the digest:
 * the design's "or Minio directly if too large for Etcd". Content addressing means a writer never
 * replaces an object a reader may be reading, and a reader can tell a damaged object from a good one.
 */
import { createHash } from 'node:crypto';
import type { CrateStore } from './crate-store.js';
import { STATE_PREFIX } from './state-key.js';

/** What a metadata value holds in place of the data: the object's key and the sha256 of its bytes. */
export interface StateObjectRef {
  readonly object: string;
  readonly sha256: string;
}

/**
 * Writes `json` as `_lcs/<name>-<16 hex of its sha256>.json` and returns the pointer to keep.
 * `name` is lowercase path segments, e.g. `fetcher/failures`.
 */
export async function writeStateJson(
  objects: Pick<CrateStore, 'writeObject'>,
  name: string,
  json: string,
): Promise<StateObjectRef> {
  const sha256 = createHash('sha256').update(json).digest('hex');
  const object = `${STATE_PREFIX}${name}-${sha256.slice(0, 16)}.json`;
  await objects.writeObject(object, Buffer.from(json));
  return { object, sha256 };
}

/**
 * Reads the object a pointer names and checks its digest: its text, or why it cannot be trusted
 * (`missing`, `damaged`), for the caller to report with its own error.
 */
export async function readStateJson(
  objects: Pick<CrateStore, 'readObject'>,
  ref: StateObjectRef,
): Promise<{ readonly text: string } | { readonly problem: 'missing' | 'damaged' }> {
  const bytes = await objects.readObject(ref.object);
  if (!bytes) return { problem: 'missing' };
  if (createHash('sha256').update(bytes).digest('hex') !== ref.sha256)
    return { problem: 'damaged' };
  return { text: Buffer.from(bytes).toString('utf8') };
}
