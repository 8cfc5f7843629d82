import { describe, expect, it } from 'vitest';
import { normalizePlatform } from './cfg-platform.js';
import { ManifestError } from './errors.js';
import { parseManifest, parseManifestTable } from './manifest.js';
import { normalizeVersionReq } from './version-req.js';

const pkg = '[package]\nname = "demo"\nversion = "1.0.0"\n';

function refusal(text: string): ManifestError {
  try {
    parseManifest(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    return error as ManifestError;
  }
  throw new Error('parseManifest accepted the manifest');
}

describe('normalizeVersionReq', () => {
  it.each([
    ['1', '^1'],
    [' 1.2 ', '^1.2'],
    ['>= 1.0 , < 2', '>=1.0, <2'],
    ['=1.2.3', '=1.2.3'],
    ['~0.3', '~0.3'],
    ['1.x', '1.*'],
    ['1.2.*', '1.2.*'],
    ['*', '*'],
    ['^1.0.0-beta.2', '^1.0.0-beta.2'],
  ])('%j -> %j', (req, shown) => {
    expect(normalizeVersionReq(req)).toBe(shown);
  });

  it.each(['', 'abc', '1.2.3.4', '01.2', '1.*.3', '1.0-pre', '~> 1.0'])('refuses %j', (req) => {
    expect(normalizeVersionReq(req)).toBeUndefined();
  });
});

describe('normalizePlatform', () => {
  it('prints cfg expressions in cargo form and keeps triples', () => {
    expect(normalizePlatform('cfg(all( unix,target_os="linux" ))')).toBe(
      'cfg(all(unix, target_os = "linux"))',
    );
    expect(normalizePlatform('x86_64-unknown-linux-gnu')).toBe('x86_64-unknown-linux-gnu');
  });

  it.each(['cfg(unix', 'cfg(not(a, b))', 'cfg(a = b)', 'has space'])('refuses %j', (spec) => {
    expect(normalizePlatform(spec)).toBeUndefined();
  });
});

describe('parseManifest', () => {
  it('reads package fields, features and keeps source fields of dependencies', () => {
    const m = parseManifest(
      `${pkg}edition = "2021"\nbuild = "tools/build.rs"\n[package.metadata.x]\ny = 1\n[dependencies]\nlocal = { path = "../local", version = "0.1", optional = true }\nremote = { git = "https://example.com/r", rev = "abc" }\n[features]\nfull = ["dep:local", "remote?/x"]\n`,
    );
    expect(m.package).toMatchObject({
      name: 'demo',
      version: '1.0.0',
      edition: '2021',
      build: 'tools/build.rs',
      metadata: { x: { y: 1 } },
    });
    expect(m.features).toEqual({ full: ['dep:local', 'remote?/x'] });
    expect(m.dependencies.map((d) => [d.name, d.req, d.path ?? d.git, d.rev])).toEqual([
      ['local', '^0.1', '../local', undefined],
      ['remote', '*', 'https://example.com/r', 'abc'],
    ]);
  });

  it('defaults a missing version to 0.0.0, as cargo does since 1.75', () => {
    expect(parseManifest('[package]\nname = "demo"\n').package.version).toBe('0.0.0');
  });

  it('defaults the edition to 2015, as cargo does', () => {
    expect(parseManifest(pkg).package.edition).toBe('2015');
  });

  it.each([
    ['[package\nname = "x"', 'MANIFEST_INVALID_TOML', 'at line 1'],
    ['name = "x"\n', 'MANIFEST_INVALID', 'no [package] table'],
    ['[package]\nversion = "1.0.0"\n', 'MANIFEST_INVALID', 'package.name is missing'],
    [
      `${pkg}[dependencies]\nx = "not a version"\n`,
      'MANIFEST_INVALID',
      'dependencies.x: invalid version requirement',
    ],
    [
      `${pkg}[dependencies]\nx = { workspace = true }\n`,
      'MANIFEST_INVALID',
      'inherits from a workspace',
    ],
    [
      `${pkg}[dependencies]\nx = { version = "1", features = "std" }\n`,
      'MANIFEST_INVALID',
      'features must be an array',
    ],
    [`${pkg}[target.'cfg(unix'.dependencies]\nx = "1"\n`, 'MANIFEST_INVALID', 'invalid target'],
    [`${pkg}[dependencies]\nx = 3\n`, 'MANIFEST_INVALID', 'must be a version string or a table'],
  ])('refuses %j with %s', (text, code, reason) => {
    const error = refusal(text);
    expect(error.code).toBe(code);
    expect(error.message).toContain(reason);
  });

  it('parses an original manifest as a plain table, which cargo itself would not accept', () => {
    const orig = `${pkg}[dev-dependencies]\nx = { workspace = true }\n`;
    expect(() => parseManifest(orig)).toThrow(/inherits from a workspace/);
    expect(parseManifestTable(orig, 'Cargo.toml.orig')).toEqual({
      package: { name: 'demo', version: '1.0.0' },
      'dev-dependencies': { x: { workspace: true } },
    });
    const error = (() => {
      try {
        return parseManifestTable('[dev-dependencies\n', 'Cargo.toml.orig');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ManifestError);
    expect(error).toMatchObject({ code: 'MANIFEST_INVALID_TOML', input: 'Cargo.toml.orig' });
  });
});
