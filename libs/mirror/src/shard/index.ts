/**
 * Shards of a sync: the crates split by a stable hash of the lowercased crate name, so N runners
 * (the pods of a Kubernetes Indexed Job, https://kubernetes.io/docs/concepts/workloads/controllers/job/#completion-mode)
 * fill one store at once with no overlap and no coordinator. The hash is 32-bit FNV-1a over the
 * name's UTF-8 bytes (http://www.isthe.com/chongo/tech/comp/fnv/), modulo N: small, documented,
 * and reproducible by any other tool that needs to know which shard owns a crate.
 */
import { MirrorError } from '../errors.js';

/** Most shards a run may be split into: metrics carry the shard as a label, so its values stay bounded. */
export const MAX_SHARDS = 256;

/** One shard of N: `index` counts from 0, like `JOB_COMPLETION_INDEX`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** 32-bit FNV-1a of the lowercased name. */
function fnv1a(name: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(name.toLowerCase(), 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The shard (0 to `count - 1`) that owns crate `name`; case does not matter, as in the index. */
export function shardOf(name: string, count: number): number {
  return fnv1a(name) % count;
}

/** Whether `shard` owns crate `name`; every crate belongs to exactly one shard of a given count. */
export function inShard(name: string, shard: Shard | undefined): boolean {
  return shard === undefined || shard.count === 1 || shardOf(name, shard.count) === shard.index;
}

/** Whether `shard` owns the crate whose index file is at `path` (its last segment is the name). */
export function pathInShard(path: string, shard: Shard | undefined): boolean {
  return inShard(path.slice(path.lastIndexOf('/') + 1), shard);
}

/**
 * Parses `I/N` (I from 0 to N-1, N from 1 to {@link MAX_SHARDS}).
 * @throws {MirrorError} `SHARD_INVALID` naming the text.
 */
export function parseShard(text: string): Shard {
  const match = /^(\d{1,3})\/(\d{1,3})$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || count > MAX_SHARDS || index >= count) {
    throw new MirrorError(
      'SHARD_INVALID',
      text,
      `shard ${JSON.stringify(text)} is not I/N with 0 <= I < N <= ${MAX_SHARDS}`,
    );
  }
  return { index, count };
}

/** `I/N`, as the summary and the metrics label show a shard. */
export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}

/**
 * `I-of-N`: the shard as a metrics label value and Pushgateway grouping (a `/` cannot stand in a
 * Pushgateway grouping path unencoded).
 */
export function shardLabel(shard: Shard): string {
  return `${shard.index}-of-${shard.count}`;
}

/**
 * The name under which a shard keeps its own cursor, retry list and lock: `base` for an unsharded
 * run, `base-shard-I-of-N` otherwise (N is part of it: a split into another count starts afresh
 * instead of reading a cursor that covered other crates).
 */
export function shardStateName(base: string, shard: Shard | undefined): string {
  return shard === undefined ? base : `${base}-shard-${shard.index}-of-${shard.count}`;
}
