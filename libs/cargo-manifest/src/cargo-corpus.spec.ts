/**
 * Conformance on real published crates: Debian's packaged crate sources, packed as `.crate` files
 * by tools/debian-crate-corpus.sh. Each crate goes through readCrateArchive + parseManifest, and the
 * same crate extracted with tar goes through `cargo metadata`; the dependency lists must agree.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCrateManifest } from './crate-manifest.js';
import {
  cargoMetadata,
  fromCargo,
  fromLibrary,
  targetsFromCargo,
  targetsFromLibrary,
} from './test-support/cargo-metadata.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const CORPUS = process.env['LCS_CRATE_CORPUS'] ?? join(ROOT, 'test-fixtures/.cache/debian-crates');
const SIZE = 400;
const work = mkdtempSync(join(tmpdir(), 'lcs-corpus-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

beforeAll(() => {
  if (existsSync(CORPUS) && readdirSync(CORPUS).filter((f) => f.endsWith('.crate')).length >= SIZE)
    return;
  try {
    execFileSync(join(ROOT, 'tools/debian-crate-corpus.sh'), [CORPUS, String(SIZE)], {
      stdio: 'pipe',
    });
  } catch (error) {
    throw new Error(
      `cannot build the crate corpus in ${CORPUS}: run tools/debian-crate-corpus.sh ${CORPUS} (as root, after apt-get update)`,
      { cause: error },
    );
  }
}, 300_000);

describe('conformance with cargo on real published crates', () => {
  it('agrees with cargo metadata on every crate of the corpus', async () => {
    const crates = readdirSync(CORPUS)
      .filter((f) => f.endsWith('.crate'))
      .sort();
    expect(crates.length).toBeGreaterThanOrEqual(SIZE);
    const disagreements: string[] = [];
    let agreed = 0;
    const seen = {
      deps: 0,
      libs: 0,
      bins: 0,
      examples: 0,
      tests: 0,
      benches: 0,
      procMacros: 0,
      renamed: 0,
      targeted: 0,
      dev: 0,
    };
    for (const file of crates) {
      const [, name = '', version = ''] = /^(.*)-(\d+\.\d+\.\d+.*)\.crate$/.exec(file) ?? [];
      const bytes = readFileSync(join(CORPUS, file));
      const dir = join(work, file);
      mkdirSync(dir);
      execFileSync('tar', ['-xzf', join(CORPUS, file), '-C', dir]);
      const manifestPath = join(dir, `${name}-${version}`, 'Cargo.toml');
      let cargo: unknown;
      try {
        const meta = cargoMetadata(manifestPath, join(work, '.cargo-home'));
        cargo = {
          deps: fromCargo(meta.dependencies),
          targets: targetsFromCargo(meta.targets, join(dir, `${name}-${version}`)),
        };
      } catch (error) {
        cargo = `cargo refused: ${
          String((error as { stderr?: unknown }).stderr ?? error)
            .split('\n')
            .find((l) => l.includes('error')) ?? ''
        }`;
      }
      let ours: unknown;
      try {
        const crate = await readCrateManifest(bytes, { name, version });
        ours = {
          deps: fromLibrary(crate.manifest.dependencies),
          targets: targetsFromLibrary(crate.targets),
        };
      } catch (error) {
        ours = `refused: ${(error as Error).message}`;
      }
      if (typeof cargo !== 'string') {
        const c = cargo as {
          deps: { package?: string; target: string | null; kind: string }[];
          targets: {
            lib?: { crateTypes: string[] };
            bins: unknown[];
            examples: unknown[];
            tests: unknown[];
            benches: unknown[];
          };
        };
        seen.deps += c.deps.length;
        seen.renamed += c.deps.filter((d) => d.package !== undefined).length;
        seen.targeted += c.deps.filter((d) => d.target !== null).length;
        seen.dev += c.deps.filter((d) => d.kind === 'dev').length;
        seen.libs += c.targets.lib ? 1 : 0;
        seen.procMacros += c.targets.lib?.crateTypes.includes('proc-macro') ? 1 : 0;
        seen.bins += c.targets.bins.length;
        seen.examples += c.targets.examples.length;
        seen.tests += c.targets.tests.length;
        seen.benches += c.targets.benches.length;
      }
      const same =
        typeof cargo === 'string'
          ? typeof ours === 'string'
          : JSON.stringify(ours) === JSON.stringify(cargo);
      if (same) agreed++;
      else
        disagreements.push(
          `${file}: cargo ${typeof cargo === 'string' ? cargo : JSON.stringify(cargo)}\n  ours ${typeof ours === 'string' ? ours : JSON.stringify(ours)}`,
        );
      rmSync(dir, { recursive: true, force: true });
    }
    console.log(
      `cargo conformance: ${agreed}/${crates.length} crates agree (${((100 * agreed) / crates.length).toFixed(1)}%); compared ${JSON.stringify(seen)}`,
    );
    expect(disagreements).toEqual([]);
  }, 600_000);
});
