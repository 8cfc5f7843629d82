import { describe, expect, it } from 'vitest';
import { assertCrateName, crateNameProblem, isValidCrateName } from './crate-name.js';
import { InvalidCrateNameError } from '../errors.js';
import { cratePrefix, indexPath } from './index-path.js';

describe('indexPath', () => {
  it('places names by length exactly as cargo does', () => {
    expect(indexPath('a')).toBe('1/a');
    expect(indexPath('ab')).toBe('2/ab');
    expect(indexPath('abc')).toBe('3/a/abc');
    expect(indexPath('abcd')).toBe('ab/cd/abcd');
    expect(indexPath('serde_json')).toBe('se/rd/serde_json');
    expect(indexPath('cargo-edit')).toBe('ca/rg/cargo-edit');
  });

  it('lowercases the path but not the prefix helper', () => {
    expect(indexPath('Inflector')).toBe('in/fl/inflector');
    expect(indexPath('FOO')).toBe('3/f/foo');
    expect(cratePrefix('Inflector')).toBe('In/fl');
  });

  it.each([
    ['', 'empty'],
    ['../etc/passwd', 'must start with an ASCII letter'],
    ['a..b', "character \".\" not allowed (ASCII letters, digits, '-' and '_' only)"],
    ['/abs', 'must start with an ASCII letter'],
    ['a/../../b', "character \"/\" not allowed (ASCII letters, digits, '-' and '_' only)"],
    ['nul\u0000byte', "character \"U+0000\" not allowed (ASCII letters, digits, '-' and '_' only)"],
    ['caf\u00e9', "character \"U+00e9\" not allowed (ASCII letters, digits, '-' and '_' only)"],
    ['1abc', 'must start with an ASCII letter'],
    ['-abc', 'must start with an ASCII letter'],
    ['a'.repeat(65), 'longer than 64 characters'],
    ['has space', "character \" \" not allowed (ASCII letters, digits, '-' and '_' only)"],
  ])('refuses %j with a typed error naming it', (name, reason) => {
    expect(isValidCrateName(name)).toBe(false);
    expect(crateNameProblem(name)).toBe(reason);
    let error: unknown;
    try {
      indexPath(name);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidCrateNameError);
    expect((error as InvalidCrateNameError).code).toBe('INDEX_CRATE_NAME_INVALID');
    expect((error as InvalidCrateNameError).input).toBe(name);
    expect((error as Error).message).toContain(reason);
  });

  it('refuses a name that is not a string (a caller from JavaScript) with the same typed error', () => {
    for (const [bad, shown] of [
      [undefined, 'undefined'],
      [null, 'null'],
      [7, '7'],
    ] as const) {
      const error = (() => {
        try {
          indexPath(bad as unknown as string);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(InvalidCrateNameError);
      expect(error).toMatchObject({ code: 'INDEX_CRATE_NAME_INVALID', input: shown });
    }
  });

  it('accepts the boundary cases crates.io accepts', () => {
    expect(assertCrateName('a'.repeat(64))).toHaveLength(64);
    expect(isValidCrateName('A_b-9')).toBe(true);
  });
});
