/**
 * Conformance with cargo, the reference: for every manifest of the corpus, the dependency list of
 * `parseManifest` must equal what `cargo metadata --no-deps --offline` reports for the same crate.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManifestError } from './errors.js';
import { parseManifest } from './manifest.js';
import { cargoMetadata, fromCargo, fromLibrary } from './test-support/cargo-metadata.js';

const CORPUS = resolve(import.meta.dirname, '../../../test-fixtures/manifests');
const REFUSED = resolve(import.meta.dirname, '../../../test-fixtures/manifests-invalid');
const work = mkdtempSync(join(tmpdir(), 'lcs-conformance-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Lays the manifest out as a crate and returns cargo's dependencies for it. */
function cargoDeps(manifest: string, id: string) {
  const dir = join(work, id);
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'Cargo.toml'), manifest);
  writeFileSync(join(dir, 'src/lib.rs'), '');
  writeFileSync(join(dir, 'build.rs'), 'fn main() {}\n');
  return cargoMetadata(join(dir, 'Cargo.toml'), join(work, '.cargo-home')).dependencies;
}

const corpus = readdirSync(CORPUS)
  .filter((f) => f.endsWith('.toml'))
  .sort();

describe('conformance with cargo metadata', () => {
  it('has a corpus', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(4);
  });

  it.each(corpus)('%s: same dependencies as cargo', (file) => {
    const text = readFileSync(join(CORPUS, file), 'utf8');
    const expected = fromCargo(cargoDeps(text, file.replace(/\.toml$/, '')));
    expect(fromLibrary(parseManifest(text).dependencies)).toEqual(expected);
  });
});

const refused = readdirSync(REFUSED)
  .filter((f) => f.endsWith('.toml'))
  .sort();

describe('refuses what cargo refuses', () => {
  it.each(refused)('%s', (file) => {
    const text = readFileSync(join(REFUSED, file), 'utf8');
    expect(() => cargoDeps(text, `refused-${file.replace(/\.toml$/, '')}`)).toThrow();
    expect(() => parseManifest(text)).toThrow(ManifestError);
  });
});
