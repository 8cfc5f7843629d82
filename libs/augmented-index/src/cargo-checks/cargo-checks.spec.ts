/**
 * The two cargo-check fields against the real `cargo package` (offline, a workspace with path and
 * git dev-dependencies) and `cargo metadata` of what it published: cargo is the reference for
 * what was stripped, and the index line a registry would record is built from cargo's own reading.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCrateManifest } from '@lcs/cargo-manifest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crateFacts, crateFieldInput, type CrateFacts } from '../fields/field.js';
import { FieldSet } from '../fields/field-set.js';
import cargoChecks, { indexMismatch, strippedDevDeps } from './index.js';

const work = mkdtempSync(join(tmpdir(), 'ais-cargo-checks-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function write(path: string, text: string): void {
  mkdirSync(join(work, path, '..'), { recursive: true });
  writeFileSync(join(work, path), text);
}

const pkg = (name: string, version: string) =>
  `[package]\nname = "${name}"\nversion = "${version}"\nedition = "2021"\nlicense = "MIT"\ndescription = "${name}"\n`;

const APP = `${pkg('app', '1.2.3')}links = "app-sys"
rust-version = "1.70"
build = "build.rs"

[features]
default = ["std"]
std = []
extra = ["renamed/std"]

[dependencies]
helper = { path = "../helper", version = "0.1.0", optional = true }
renamed = { path = "../helper", version = "0.1", package = "helper", default-features = false }

[build-dependencies]
helper = { path = "../helper", version = "0.1.0" }

[dev-dependencies]
local = { path = "../helper", package = "helper" }
gitdep = { git = "file://${work}/gitdep", branch = "trunk" }
helper-ws = { workspace = true }
helper = { path = "../helper", version = "0.1.0", features = ["std"] }

[target.'cfg(unix)'.dev-dependencies]
unixonly = { path = "../helper", package = "helper" }
`;

let facts: CrateFacts;
/** The index line a registry records for app 1.2.3, made from `cargo metadata` of the crate. */
let line: Record<string, unknown>;
/** What `cargo metadata` says app's published manifest declares as dev-dependencies. */
let publishedDev: string[];

interface MetadataDep {
  name: string;
  rename: string | null;
  req: string;
  kind: string | null;
  optional: boolean;
  uses_default_features: boolean;
  features: string[];
  target: string | null;
}

beforeAll(() => {
  write(
    'ws/Cargo.toml',
    '[workspace]\nmembers = ["helper", "app"]\nresolver = "2"\n[workspace.dependencies]\nhelper-ws = { path = "helper", package = "helper" }\n',
  );
  write('ws/helper/Cargo.toml', `${pkg('helper', '0.1.0')}\n[features]\nstd = []\n`);
  write('ws/helper/src/lib.rs', '');
  write('ws/app/Cargo.toml', APP);
  write('ws/app/src/lib.rs', '');
  write('ws/app/build.rs', 'fn main() {}\n');
  write('gitdep/Cargo.toml', pkg('gitdep', '0.1.0'));
  write('gitdep/src/lib.rs', '');
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', join(work, 'gitdep'), ...args], { stdio: 'pipe' });
  git('init', '-q', '-b', 'trunk');
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'init');
  execFileSync(
    'cargo',
    ['package', '--workspace', '--offline', '--no-verify', '--allow-dirty', '--quiet'],
    {
      cwd: join(work, 'ws'),
      stdio: 'pipe',
      env: { ...process.env, CARGO_TARGET_DIR: join(work, 'target') },
    },
  );
  const crate = join(work, 'target/package/app-1.2.3.crate');
  mkdirSync(join(work, 'x'));
  execFileSync('tar', ['xzf', crate, '-C', join(work, 'x')]);
  const metadata = JSON.parse(
    execFileSync('cargo', ['metadata', '--no-deps', '--offline', '--format-version', '1'], {
      cwd: join(work, 'x/app-1.2.3'),
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 1 << 26,
    }).toString(),
  ) as {
    packages: Array<{
      dependencies: MetadataDep[];
      features: Record<string, string[]>;
      links: string | null;
      rust_version: string | null;
    }>;
  };
  const [meta] = metadata.packages;
  if (!meta) throw new Error('cargo metadata listed no package');
  publishedDev = meta.dependencies.filter((d) => d.kind === 'dev').map((d) => d.rename ?? d.name);
  // As crates.io writes it (https://doc.rust-lang.org/cargo/reference/registry-index.html).
  line = {
    name: 'app',
    vers: '1.2.3',
    deps: meta.dependencies.map((d) => ({
      name: d.rename ?? d.name,
      req: d.req,
      features: d.features,
      optional: d.optional,
      default_features: d.uses_default_features,
      target: d.target,
      kind: d.kind ?? 'normal',
      ...(d.rename ? { package: d.name } : {}),
    })),
    cksum: '0'.repeat(64),
    features: meta.features,
    yanked: false,
    links: meta.links,
    rust_version: meta.rust_version,
  };
  return readCrateManifest(readFileSync(crate), { name: 'app', version: '1.2.3' }).then((c) => {
    facts = crateFacts(c);
  });
}, 120_000);

const input = (index: Record<string, unknown> = line, f: CrateFacts = facts) =>
  crateFieldInput(index, f);

describe('stripped_dev_deps', () => {
  it('names exactly the dev-dependencies cargo package stripped, with their source', () => {
    const stripped = strippedDevDeps.generate(input());
    const originalDev = ['local', 'gitdep', 'helper-ws', 'helper', 'unixonly'];
    // cargo's own answer: what Cargo.toml.orig declares minus what the published crate keeps.
    const cargoStripped = originalDev.filter((n) => !publishedDev.includes(n));
    expect(cargoStripped).toHaveLength(4);
    expect(stripped?.map((d) => d.name)).toEqual(cargoStripped);
    expect(stripped).toEqual([
      { name: 'local', package: 'helper', target: null, source: 'path', path: '../helper' },
      {
        name: 'gitdep',
        target: null,
        source: 'git',
        git: `file://${work}/gitdep`,
        branch: 'trunk',
      },
      { name: 'helper-ws', target: null, source: 'workspace' },
      {
        name: 'unixonly',
        package: 'helper',
        target: 'cfg(unix)',
        source: 'path',
        path: '../helper',
      },
    ]);
  });

  it('has no value for a crate without Cargo.toml.orig, and refuses to guess for an unread one', () => {
    expect(
      strippedDevDeps.generate(
        input(line, {
          ...facts,
          originalText: undefined,
          archive: { ...facts.archive, hasCargoTomlOrig: false },
        }),
      ),
    ).toBeUndefined();
    expect(() =>
      strippedDevDeps.generate(input(line, { ...facts, originalText: undefined })),
    ).toThrow(expect.objectContaining({ code: 'ORIGINAL_MANIFEST_TOO_LARGE' }));
  });

  it('fails alone on a Cargo.toml.orig that is not TOML; hostile values are not copied', () => {
    const broken = input(line, { ...facts, originalText: '[dev-dependencies\n' });
    expect(() => strippedDevDeps.generate(broken)).toThrow(
      expect.objectContaining({ code: 'MANIFEST_INVALID_TOML' }),
    );
    expect(indexMismatch.generate(broken)).toBeUndefined();
    const hostile = input(line, {
      ...facts,
      originalText: '[dev-dependencies]\na = { path = 3, git = ["x"] }\nb = 7\n[target]\nx = 1\n',
    });
    expect(strippedDevDeps.generate(hostile)).toEqual([
      { name: 'a', target: null, source: 'registry' },
      { name: 'b', target: null, source: 'registry' },
    ]);
  });
});

describe('index_mismatch', () => {
  it('finds nothing where the index says what cargo published', () => {
    expect(line['features']).toMatchObject({ helper: ['dep:helper'] }); // the implicit feature
    expect(indexMismatch.generate(input())).toBeUndefined();
    // crates.io's split of the same features into `features2` (`"v": 2`) is not a difference.
    const { helper, ...rest } = line['features'] as Record<string, string[]>;
    expect(
      indexMismatch.generate(input({ ...line, features: rest, features2: { helper }, v: 2 })),
    ).toBeUndefined();
  });

  it('says how each kind of disagreement differs', () => {
    const deps = (line['deps'] as Array<Record<string, unknown>>)
      .filter((d) => !(d['name'] === 'helper' && d['kind'] === 'build'))
      .map((d) => (d['name'] === 'renamed' ? { ...d, req: '^0.2', default_features: true } : d));
    deps.push({
      name: 'ghost',
      req: '^1',
      features: [],
      optional: false,
      default_features: true,
      target: 'cfg(windows)',
      kind: 'normal',
    });
    const features = { ...(line['features'] as object), std: ['renamed/std'], gone: [] } as Record<
      string,
      string[]
    >;
    delete features['extra'];
    const found = indexMismatch.generate(
      input({ ...line, deps, features, links: null, rust_version: '1.60' }),
    );
    expect(found).toEqual(
      expect.arrayContaining([
        {
          kind: 'dependency_differs',
          name: 'renamed',
          dep_kind: 'normal',
          target: null,
          index: { req: '^0.2', default_features: true },
          manifest: { req: '^0.1', default_features: false },
        },
        expect.objectContaining({
          kind: 'dependency_missing_from_manifest',
          name: 'ghost',
          target: 'cfg(windows)',
        }),
        expect.objectContaining({
          kind: 'dependency_missing_from_index',
          name: 'helper',
          dep_kind: 'build',
        }),
        { kind: 'feature_differs', name: 'std', index: ['renamed/std'], manifest: [] },
        { kind: 'feature_missing_from_manifest', name: 'gone', index: [] },
        { kind: 'feature_missing_from_index', name: 'extra', manifest: ['renamed/std'] },
        { kind: 'links_differs', index: null, manifest: 'app-sys' },
        { kind: 'rust_version_differs', index: '1.60', manifest: '1.70' },
      ]),
    );
    expect(found).toHaveLength(8);
    const old = { ...line };
    delete old['rust_version'];
    expect(indexMismatch.generate(input(old))).toEqual([
      { kind: 'rust_version_missing_from_index', manifest: '1.70' },
    ]);
  });

  it('reads a hostile index line without failing: what is not a dependency is left out', () => {
    const found = indexMismatch.generate(
      input({
        ...line,
        deps: [7, null, { name: 3 }, ...(line['deps'] as unknown[])],
        features: 'x',
      }),
    );
    expect(found?.map((m) => m.kind)).toEqual(
      expect.arrayContaining(['feature_missing_from_index']),
    );
    expect(found?.every((m) => m.kind.startsWith('feature_missing_from_index'))).toBe(true);
  });
});

describe('the cargo-checks module', () => {
  it('is a valid field module beside the built-ins', () => {
    const set = new FieldSet([
      { module: '@lcs/augmented-index/cargo-checks', fields: [...cargoChecks] },
    ]);
    expect(set.crateFields.map((f) => f.name)).toEqual(
      expect.arrayContaining(['dev_deps', 'stripped_dev_deps', 'index_mismatch']),
    );
  });
});
