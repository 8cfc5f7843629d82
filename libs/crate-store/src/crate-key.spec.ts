import { describe, expect, it } from 'vitest';
import { assertCksum, crateKey, parseCrateKey, toCrateToStore } from './crate-key.js';
import { CrateRefError } from './errors.js';

describe('crateKey', () => {
  it('uses the static.crates.io layout with the name in the index case', () => {
    expect(crateKey({ name: 'serde', version: '1.0.0' })).toBe('crates/serde/serde-1.0.0.crate');
    expect(crateKey({ name: 'Inflector', version: '0.11.4+build.1' })).toBe(
      'crates/Inflector/Inflector-0.11.4+build.1.crate',
    );
  });

  it.each([
    ['../etc', '1.0.0'],
    ['a/b', '1.0.0'],
    ['serde', '../../x'],
    ['serde', '1.0.0/../../x'],
    ['serde', ''],
    ['serde', '1..0'],
  ])('refuses %s@%s with STORE_REF_INVALID', (name, version) => {
    const error = (() => {
      try {
        crateKey({ name, version });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(CrateRefError);
    expect((error as CrateRefError).code).toBe('STORE_REF_INVALID');
    expect((error as CrateRefError).input).toBe(`${name}@${version}`);
  });

  it('refuses a ref of the wrong shape from JavaScript with a typed error naming it', () => {
    const refusal = (ref: unknown) => {
      try {
        crateKey(ref as { name: string; version: string });
      } catch (error) {
        return error;
      }
      return undefined;
    };
    for (const bad of [
      null,
      undefined,
      'serde',
      { name: 1, version: '1.0.0' },
      { name: 'serde' },
    ]) {
      const error = refusal(bad);
      expect(error, JSON.stringify(bad)).toBeInstanceOf(CrateRefError);
      expect(error).toMatchObject({ code: 'STORE_REF_INVALID' });
    }
    expect((refusal({ name: 'serde' }) as CrateRefError).input).toBe('{"name":"serde"}');
    expect(() =>
      assertCksum({ name: 'a', version: '1.0.0', cksum: 7 as unknown as string }),
    ).toThrow(CrateRefError);
  });

  it("takes the index's spelling too: an entry with vers names the same key and id", () => {
    const entry = { name: 'serde', vers: '1.0.0', cksum: 'a'.repeat(64), deps: [] };
    expect(crateKey(entry)).toBe(crateKey({ name: 'serde', version: '1.0.0' }));
    expect(toCrateToStore(entry)).toEqual({
      name: 'serde',
      version: '1.0.0',
      cksum: 'a'.repeat(64),
    });
    expect(() => crateKey({ name: 'serde', vers: '../x' })).toThrow(CrateRefError);
  });

  it('refuses a cksum that is not lowercase hex sha256', () => {
    expect(() => assertCksum({ name: 'a', version: '1.0.0', cksum: 'ABC' })).toThrow(CrateRefError);
    expect(() => assertCksum({ name: 'a', version: '1.0.0', cksum: 'a'.repeat(64) })).not.toThrow();
  });
});

describe('parseCrateKey', () => {
  it('inverts crateKey, including names with dashes and versions with pre-release parts', () => {
    for (const ref of [
      { name: 'serde', version: '1.0.0' },
      { name: 'tokio-util', version: '0.2.0-alpha.1' },
      { name: 'a-1', version: '1.0.0-1' },
    ]) {
      expect(parseCrateKey(crateKey(ref))).toEqual(ref);
    }
  });

  it.each([
    'crates/serde/.serde-1.0.0.crate.1a2b.tmp',
    'crates/serde/other-1.0.0.crate',
    'crates/serde/serde-1.0.0.crate.part',
    'crates/serde-1.0.0.crate',
    '_lcs/fetcher/failures.json',
    'crates/se rde/se rde-1.0.0.crate',
  ])('ignores %s', (key) => {
    expect(parseCrateKey(key)).toBeUndefined();
  });
});
