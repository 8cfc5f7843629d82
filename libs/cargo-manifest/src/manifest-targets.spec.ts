/** Target discovery checked against cargo itself on small crates laid out on disk. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManifestError } from './errors.js';
import { parseManifest } from './manifest.js';
import { manifestTargets } from './manifest-targets.js';
import {
  cargoMetadata,
  targetsFromCargo,
  targetsFromLibrary,
} from './test-support/cargo-metadata.js';

const work = mkdtempSync(join(tmpdir(), 'lcs-targets-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const cases: [string, string, string[]][] = [
  [
    'inferred lib, main and bins (2021)',
    '',
    ['src/lib.rs', 'src/main.rs', 'src/bin/tool.rs', 'src/bin/multi/main.rs'],
  ],
  [
    'explicit bin, more inferred (2021)',
    '[[bin]]\nname = "explicit"\npath = "src/explicit.rs"\n',
    ['src/main.rs', 'src/explicit.rs', 'src/bin/tool.rs'],
  ],
  [
    'explicit bin stops inference in 2015',
    '[[bin]]\nname = "explicit"\npath = "src/explicit.rs"\n',
    ['src/main.rs', 'src/explicit.rs', 'src/bin/tool.rs'],
  ],
  ['autobins = false', '', ['src/lib.rs', 'src/main.rs', 'src/bin/tool.rs']],
  [
    'proc-macro lib with a custom name',
    '[lib]\nname = "my_macros"\nproc-macro = true\n',
    ['src/lib.rs'],
  ],
  [
    'crate types and a lib path',
    '[lib]\npath = "src/ffi.rs"\ncrate-type = ["cdylib", "rlib"]\n',
    ['src/ffi.rs'],
  ],
  [
    'bin found by name without a path',
    '[[bin]]\nname = "tool"\n',
    ['src/lib.rs', 'src/bin/tool/main.rs'],
  ],
  [
    'examples, tests and benches (2021)',
    '[[example]]\nname = "demo"\n',
    ['src/lib.rs', 'examples/demo/main.rs', 'examples/other.rs', 'tests/it.rs', 'benches/b.rs'],
  ],
  [
    'explicit paths are normalized (2021)',
    '[lib]\npath = "./src/../src/lib.rs"\n[[test]]\nname = "t"\npath = "./tests/t.rs"\n',
    ['src/lib.rs', 'tests/t.rs'],
  ],
  [
    'explicit test stops test inference in 2015',
    '[[test]]\nname = "only"\npath = "tests/only.rs"\n',
    ['src/lib.rs', 'tests/only.rs', 'tests/skipped.rs', 'benches/b.rs'],
  ],
];

describe('manifestTargets agrees with cargo metadata', () => {
  it.each(cases)('%s', (label, extra, files) => {
    const edition = label.includes('2015') ? '2015' : '2021';
    const autobins = label === 'autobins = false' ? 'autobins = false\n' : '';
    const manifest = `[package]\nname = "tgt-demo"\nversion = "0.1.0"\nedition = "${edition}"\n${autobins}${extra}`;
    const root = join(work, label.replace(/[^a-z0-9]+/gi, '-'));
    for (const file of files) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), 'fn main() {}\n');
    }
    writeFileSync(join(root, 'Cargo.toml'), manifest);
    const cargo = targetsFromCargo(
      cargoMetadata(join(root, 'Cargo.toml'), join(work, '.cargo-home')).targets,
      root,
    );
    const m = parseManifest(manifest);
    const ours = manifestTargets(m.raw, m.package.name, m.package.edition, files);
    expect(targetsFromLibrary(ours)).toEqual(cargo);
  });

  it('refuses a [[bin]] without a name', () => {
    const m = parseManifest(
      '[package]\nname = "x"\nversion = "0.1.0"\n[[bin]]\npath = "src/main.rs"\n',
    );
    expect(() => manifestTargets(m.raw, 'x', '2015', ['src/main.rs'])).toThrow(ManifestError);
  });
});
