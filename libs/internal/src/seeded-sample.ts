/**
 * A reproducible sample: whether `key` is in a sample of `fraction` drawn with `seed`. The same
 * seed picks the same keys on every run and every machine, whatever order they come in, and costs
 * one sha256 of a short string per key, with nothing held (a 2 M-key scrub keeps no set).
 *
 * Used by: `@lcs/mirror` (`verify --sample`), `@lcs/augmented-index` (drift check `--sample`).
 */
import { createHash } from 'node:crypto';

/** `true` when `key` falls in the sample of `fraction` (0 to 1) that `seed` draws. */
export function inSeededSample(seed: string, fraction: number, key: string): boolean {
  if (fraction >= 1) return true;
  if (!(fraction > 0)) return false;
  const h = createHash('sha256').update(seed).update(key).digest();
  return h.readUInt32BE(0) / 2 ** 32 < fraction;
}
