/** The compact key set is an exact set: every added key is found, nothing else is, at any size. */
import { describe, expect, it } from 'vitest';
import { CompactKeySet } from './compact-key-set.js';

describe('CompactKeySet', () => {
  it('answers exactly like a Set across growth, for ASCII and non-ASCII keys', () => {
    const set = new CompactKeySet();
    const reference = new Set<string>();
    for (let i = 0; i < 50_000; i++) {
      const key = i % 7 === 0 ? `crâte-${i}@1.0.${i % 13}` : `crate${i % 9_000}@0.${i}.0`;
      set.add(key);
      reference.add(key);
    }
    expect(set.size).toBe(reference.size);
    for (const key of reference) expect(set.has(key)).toBe(true);
    for (let i = 0; i < 50_000; i++) {
      const probe = `crate${i}@9.${i}.0`;
      expect(set.has(probe)).toBe(reference.has(probe));
    }
    // Prefixes and extensions of stored keys are other keys.
    expect(set.has('crate1@0.1.')).toBe(false);
    expect(set.has('crate1@0.1.00')).toBe(false);
    expect(set.has('')).toBe(false);
  });

  it('adds a key once', () => {
    const set = new CompactKeySet().add('serde@1.0.0').add('serde@1.0.0').add('serde@1.0.1');
    expect(set.size).toBe(2);
  });
});
