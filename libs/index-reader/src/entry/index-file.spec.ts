import { describe, expect, it } from 'vitest';
import { IndexLineError } from '../errors.js';
import { dependencyKind, formatVersion, isYanked, mergedFeatures } from './index-entry.js';
import { parseIndexFile, parseIndexLine } from './index-file.js';

const CKSUM = 'a'.repeat(64);
const line = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    name: 'demo',
    vers: '1.0.0',
    deps: [],
    cksum: CKSUM,
    features: {},
    yanked: false,
    ...extra,
  });

describe('parseIndexFile', () => {
  it('reads every line, keeps file order and ignores blank lines', () => {
    const file = parseIndexFile(
      'de/mo/demo',
      `${line()}\n\n${line({ vers: '1.1.0', yanked: true })}\n`,
    );
    expect(file.entries.map((e) => e.vers)).toEqual(['1.0.0', '1.1.0']);
    expect(file.entries.map(isYanked)).toEqual([false, true]);
    expect(file.errors).toEqual([]);
    expect(file.unsupported).toBe(0);
  });

  it('reports a malformed line with file and line number and keeps reading', () => {
    const file = parseIndexFile(
      'de/mo/demo',
      [line(), '{not json', line({ cksum: 'xyz' }), line({ vers: '2.0.0' })].join('\n'),
    );
    expect(file.entries.map((e) => e.vers)).toEqual(['1.0.0', '2.0.0']);
    expect(file.errors).toHaveLength(2);
    const [notJson, badCksum] = file.errors as [IndexLineError, IndexLineError];
    expect(notJson).toBeInstanceOf(IndexLineError);
    expect(notJson.code).toBe('INDEX_LINE_INVALID');
    expect(notJson.file).toBe('de/mo/demo');
    expect(notJson.line).toBe(2);
    expect(notJson.message).toMatch(/^de\/mo\/demo:2: not JSON/);
    expect(notJson.input).toBe('{not json');
    expect(notJson.problem).toBe('not_json');
    expect(badCksum.line).toBe(3);
    expect(badCksum.message).toContain('cksum');
    expect(badCksum.problem).toBe('invalid_entry');
  });

  it('skips lines of a format version newer than 2, as cargo does, without validating them', () => {
    const file = parseIndexFile(
      'de/mo/demo',
      [line({ v: 2 }), JSON.stringify({ name: 'demo', v: 3 })].join('\n'),
    );
    expect(file.entries).toHaveLength(1);
    expect(file.unsupported).toBe(1);
    expect(file.errors).toEqual([]);
  });

  it('keeps unknown fields untouched', () => {
    const entry = parseIndexLine(
      'de/mo/demo',
      1,
      line({ pubtime: '2025-01-01T00:00:00Z', brand_new: { a: [1] } }),
    );
    expect(entry).not.toBeInstanceOf(IndexLineError);
    expect(entry).toMatchObject({ pubtime: '2025-01-01T00:00:00Z', brand_new: { a: [1] } });
    expect(JSON.parse(JSON.stringify(entry))).toEqual(
      JSON.parse(line({ pubtime: '2025-01-01T00:00:00Z', brand_new: { a: [1] } })),
    );
  });

  it('validates dependencies', () => {
    const bad = parseIndexLine('x', 7, line({ deps: [{ name: 'serde', req: '^1' }] }));
    expect(bad).toBeInstanceOf(IndexLineError);
    expect((bad as IndexLineError).message).toMatch(/^x:7: deps\.0\.features/);
  });

  it('refuses a line whose name does not belong in its file, so it cannot shadow the real one', () => {
    // cc@1.0.73 placed in 1/q: cargo reads cc from 2/cc only.
    const file = parseIndexFile(
      '1/q',
      `${line({ name: 'cc', vers: '1.0.73' })}\n${line({ name: 'q' })}\n`,
    );
    expect(file.entries.map((e) => e.name)).toEqual(['q']);
    expect(file.errors).toHaveLength(1);
    expect(file.errors[0]?.message).toMatch(
      /^1\/q:1: name: "cc" does not belong in 1\/q \(its file is 2\/cc\)/,
    );
    expect(file.errors[0]?.problem).toBe('wrong_file');
    // The name's case does not matter for the path; the lowercased path does.
    expect(parseIndexLine('de/mo/demo', 1, line({ name: 'DeMo' }))).not.toBeInstanceOf(
      IndexLineError,
    );
  });

  it.each([
    ['..', 'name'],
    ['a/b', 'name'],
    ['/../etc', 'name'],
  ])('refuses the name %j (%s)', (name, field) => {
    const bad = parseIndexLine('2/..', 1, line({ name }));
    expect(bad).toBeInstanceOf(IndexLineError);
    expect((bad as IndexLineError).message).toContain(
      `${field}: ${JSON.stringify(name)} is not a valid crate name`,
    );
    expect((bad as IndexLineError).problem).toBe('invalid_name');
  });

  it.each(['1.0', 'latest', '../../x', '1.0.0/..', '1.0.0 ', ''])(
    'refuses the version %j',
    (vers) => {
      const bad = parseIndexLine('de/mo/demo', 1, line({ vers }));
      expect(bad).toBeInstanceOf(IndexLineError);
    },
  );

  it.each(['1.0.0', '0.1.0-alpha.1', '1.0.0+build.5', '2.0.0-rc.1+meta', '0.01.0'])(
    'accepts the version %j',
    (vers) => {
      expect(parseIndexLine('de/mo/demo', 1, line({ vers }))).not.toBeInstanceOf(IndexLineError);
    },
  );
});

describe('entry helpers', () => {
  it('merges features2 into features, features2 winning', () => {
    expect(
      mergedFeatures({ features: { a: ['x'], b: [] }, features2: { b: ['dep:y'], c: ['y?/z'] } }),
    ).toEqual({
      a: ['x'],
      b: ['dep:y'],
      c: ['y?/z'],
    });
    expect(mergedFeatures({ features: { a: [] } })).toEqual({ a: [] });
  });

  it('reads kinds and format versions as cargo does', () => {
    expect(
      [null, undefined, 'normal', 'dev', 'build', 'future'].map((kind) => dependencyKind({ kind })),
    ).toEqual(['normal', 'normal', 'normal', 'dev', 'build', 'normal']);
    expect(formatVersion({})).toBe(1);
    expect(formatVersion({ v: 2 })).toBe(2);
  });
});
