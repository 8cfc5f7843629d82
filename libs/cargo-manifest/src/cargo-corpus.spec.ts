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
import { readCrateArchive } from './crate-archive.js';
import { parseManifest } from './manifest.js';
import { cargoMetadataDeps, fromCargo, fromLibrary } from './test-support/cargo-metadata.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const CORPUS = process.env['LCS_CRATE_CORPUS'] ?? join(ROOT, 'test-fixtures/.cache/debian-crates');
const SIZE = 200;
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
    for (const file of crates) {
      const [, name = '', version = ''] = /^(.*)-(\d+\.\d+\.\d+.*)\.crate$/.exec(file) ?? [];
      const bytes = readFileSync(join(CORPUS, file));
      const dir = join(work, file);
      mkdirSync(dir);
      execFileSync('tar', ['-xzf', join(CORPUS, file), '-C', dir]);
      const manifestPath = join(dir, `${name}-${version}`, 'Cargo.toml');
      let cargo: ReturnType<typeof fromCargo> | string;
      try {
        cargo = fromCargo(cargoMetadataDeps(manifestPath, join(work, '.cargo-home')));
      } catch (error) {
        cargo = `cargo refused: ${
          String((error as { stderr?: unknown }).stderr ?? error)
            .split('\n')
            .find((l) => l.includes('error')) ?? ''
        }`;
      }
      let ours: ReturnType<typeof fromLibrary> | string;
      try {
        const archive = await readCrateArchive(bytes, { name, version });
        ours = fromLibrary(parseManifest(archive.manifest).dependencies);
      } catch (error) {
        ours = `refused: ${(error as Error).message}`;
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
      `cargo conformance: ${agreed}/${crates.length} crates agree (${((100 * agreed) / crates.length).toFixed(1)}%)`,
    );
    expect(disagreements).toEqual([]);
  }, 600_000);
});
