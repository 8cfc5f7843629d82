/**
 * Conformance with cargo, the reference: for every manifest of the corpus, the dependency list of
 * `parseManifest` must equal what `cargo metadata --no-deps --offline` reports for the same crate.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseManifest } from './manifest.js';

const CORPUS = resolve(import.meta.dirname, '../../../test-fixtures/manifests');
const work = mkdtempSync(join(tmpdir(), 'lcs-conformance-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface CargoDep {
  name: string;
  rename: string | null;
  req: string;
  kind: 'dev' | 'build' | null;
  optional: boolean;
  uses_default_features: boolean;
  features: string[];
  target: string | null;
}

/** The fields compared, in the index's shape. */
function fromCargo(d: CargoDep) {
  return {
    name: d.rename ?? d.name,
    package: d.rename ? d.name : undefined,
    req: d.req,
    features: d.features,
    optional: d.optional,
    default_features: d.uses_default_features,
    target: d.target,
    kind: d.kind ?? 'normal',
  };
}

const order = (a: { kind: string; target: string | null; name: string }, b: typeof a) =>
  `${a.kind}\0${a.target ?? ''}\0${a.name}`.localeCompare(
    `${b.kind}\0${b.target ?? ''}\0${b.name}`,
  );

function cargoMetadata(manifest: string, id: string): CargoDep[] {
  const dir = join(work, id);
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'Cargo.toml'), manifest);
  writeFileSync(join(dir, 'src/lib.rs'), '');
  writeFileSync(join(dir, 'build.rs'), 'fn main() {}\n');
  const out = execFileSync(
    'cargo',
    [
      'metadata',
      '--no-deps',
      '--offline',
      '--format-version',
      '1',
      '--manifest-path',
      join(dir, 'Cargo.toml'),
    ],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CARGO_HOME: join(work, '.cargo-home') },
    },
  );
  const meta = JSON.parse(out) as { packages: { dependencies: CargoDep[] }[] };
  return meta.packages[0]?.dependencies ?? [];
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
    const expected = cargoMetadata(text, file.replace(/\.toml$/, ''))
      .map(fromCargo)
      .sort(order);
    const actual = parseManifest(text)
      .dependencies.map((d) => ({
        name: d.name,
        package: d.package,
        req: d.req,
        features: d.features,
        optional: d.optional,
        default_features: d.default_features,
        target: d.target,
        kind: d.kind,
      }))
      .sort(order);
    expect(actual).toEqual(expected);
  });
});
