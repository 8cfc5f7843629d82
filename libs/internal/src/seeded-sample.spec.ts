import { describe, expect, it } from 'vitest';
import { inSeededSample } from './seeded-sample.js';

const keys = Array.from({ length: 20_000 }, (_, i) => `crate-${i}@1.0.${i % 7}`);

describe('inSeededSample', () => {
  it('picks the same keys for the same seed, in any order, and others for another seed', () => {
    const a = keys.filter((k) => inSeededSample('s1', 0.1, k));
    const reversed = [...keys].reverse().filter((k) => inSeededSample('s1', 0.1, k));
    const b = keys.filter((k) => inSeededSample('s2', 0.1, k));
    expect(new Set(reversed)).toEqual(new Set(a));
    expect(a).not.toEqual(b);
  });

  it('draws close to the fraction asked, all at 1 and none at 0', () => {
    const share = keys.filter((k) => inSeededSample('seed', 0.05, k)).length / keys.length;
    expect(share).toBeGreaterThan(0.04);
    expect(share).toBeLessThan(0.06);
    expect(keys.every((k) => inSeededSample('seed', 1, k))).toBe(true);
    expect(keys.some((k) => inSeededSample('seed', 0, k))).toBe(false);
  });
});
