/** A field set refuses what would corrupt a line: a taken name, a malformed field. */
import { describe, expect, it } from 'vitest';
import { AugmentedIndexError } from '../errors.js';
import { FieldSet, legacyVersions } from './field-set.js';

const ok = { name: 'team_fact', version: 1, source: 'index', generate: () => 1 };

function refusal(fields: unknown[]): AugmentedIndexError {
  try {
    new FieldSet([{ module: 'team.mjs', fields }]);
  } catch (error) {
    return error as AugmentedIndexError;
  }
  throw new Error('accepted');
}

describe('FieldSet', () => {
  it('holds the built-in fields first, then the modules', () => {
    const set = new FieldSet([{ module: 'team.mjs', fields: [ok] }]);
    expect(set.fields.map((f) => f.name)).toEqual([...Object.keys(legacyVersions()), 'team_fact']);
    expect(set.versions['team_fact']).toBe(1);
  });

  it.each([
    [{ ...ok, name: 'dev_deps' }, 'team.mjs: the name dev_deps is taken by the built-in fields'],
    [{ ...ok, name: 'yanked' }, 'taken by the line format or the registry index'],
    [{ ...ok, name: 'fields' }, 'taken by the line format or the registry index'],
    [{ ...ok, name: 'Bad-Name' }, 'is not [a-z][a-z0-9_]*'],
    [{ ...ok, version: 0 }, 'version 0 is not a positive integer'],
    [{ ...ok, version: 1.5 }, 'version 1.5 is not a positive integer'],
    [{ ...ok, source: 'store' }, `source "store" is not 'index' or 'crate'`],
    [{ ...ok, generate: 'no' }, 'generate is not a function'],
    [null, 'field #1 is not an object'],
  ])('refuses %j naming the module and the field', (field, message) => {
    const error = refusal([field]);
    expect(error).toBeInstanceOf(AugmentedIndexError);
    expect(error.code).toBe('AUGMENTED_FIELD_INVALID');
    expect(error.kind).toBe('bad-input');
    expect(error.message).toContain(message);
    expect(error.input.startsWith('team.mjs: ')).toBe(true);
  });

  it('refuses a name two modules both take', () => {
    expect(
      () =>
        new FieldSet([
          { module: 'a.mjs', fields: [ok] },
          { module: 'b.mjs', fields: [ok] },
        ]),
    ).toThrow('b.mjs: the name team_fact is taken by a.mjs');
  });

  it('says what a recorded set lacks', () => {
    const set = new FieldSet([{ module: 'team.mjs', fields: [{ ...ok, version: 2 }] }]);
    expect(set.describeBehind(legacyVersions())).toBe('field team_fact added (v2)');
    expect(set.describeBehind({ ...legacyVersions(), team_fact: 1 })).toBe(
      'field team_fact v1 < v2',
    );
    expect(set.describeBehind(set.versions)).toBeUndefined();
  });
});
