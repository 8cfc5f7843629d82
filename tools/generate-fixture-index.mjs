#!/usr/bin/env node
// Writes test-fixtures/index: a small crates.io-shaped index covering every rule the reader must
// honour (name lengths and case, yanked, features2, v=2 and a future v=3 line, renames, targets,
// dev/build kinds, unknown fields). Deterministic: rerunning it gives identical files.
// Usage: node tools/generate-fixture-index.mjs <dir>
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fixturePath, generateIndex, rng, versionEntry } from './fixture-index.mjs';

const out = process.argv[2];
if (!out) {
  console.error('usage: generate-fixture-index.mjs <dir>');
  process.exit(2);
}
rmSync(out, { recursive: true, force: true });
const files = new Map();
const add = (name, entry) => {
  const path = fixturePath(name);
  files.set(path, [...(files.get(path) ?? []), JSON.stringify(entry)]);
};

for (const { path, lines } of generateIndex({ crates: 40, versionsPerCrate: 3, seed: 2019 })) {
  files.set(path, lines);
}
const next = rng(42);
// Short names: 1, 2 and 3 characters.
add('a', versionEntry(next, 'a', '0.1.0', []));
add('ab', versionEntry(next, 'ab', '1.0.0', ['a']));
add('abc', versionEntry(next, 'abc', '0.0.1', ['ab'], { yanked: true }));
// A name with upper case: its path is lower case, its lines keep the case.
add('Inflector', versionEntry(next, 'Inflector', '0.11.4', ['regex'], { yanked: false }));
// Every dependency shape: rename, target, kinds, registry.
add('shapes', {
  ...versionEntry(next, 'shapes', '1.2.3', [], { yanked: false }),
  deps: [
    {
      name: 'rand_core',
      req: '^0.6',
      features: ['std'],
      optional: false,
      default_features: false,
      target: null,
      kind: 'normal',
      package: 'rand-core',
    },
    {
      name: 'winapi',
      req: '^0.3',
      features: ['winuser'],
      optional: false,
      default_features: true,
      target: 'cfg(windows)',
      kind: 'normal',
    },
    {
      name: 'tempfile',
      req: '^3',
      features: [],
      optional: false,
      default_features: true,
      target: null,
      kind: 'dev',
    },
    {
      name: 'cc',
      req: '^1.0',
      features: [],
      optional: false,
      default_features: true,
      target: 'x86_64-unknown-linux-gnu',
      kind: 'build',
    },
    {
      name: 'other',
      req: '^1',
      features: [],
      optional: true,
      default_features: true,
      target: null,
      kind: 'normal',
      registry: 'https://example.com/index',
    },
  ],
});
// features2 with dep: and ?/ syntax, v=2, rust_version, pubtime and a field no schema knows yet.
add('modern', {
  ...versionEntry(next, 'modern', '2.0.0', [], { yanked: false }),
  deps: [
    {
      name: 'serde',
      req: '^1',
      features: [],
      optional: true,
      default_features: true,
      target: null,
      kind: 'normal',
    },
  ],
  features: { default: ['std'], std: [] },
  features2: { serde: ['dep:serde', 'serde?/derive'] },
  links: 'modern-sys',
  v: 2,
  rust_version: '1.70',
  pubtime: '2025-03-01T12:00:00Z',
  future_field: { kept: true },
});
// A line of a future format version: cargo skips it, and so must we.
add('modern', { name: 'modern', vers: '3.0.0', v: 3, something_new: [1, 2, 3] });

for (const [path, lines] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
  mkdirSync(dirname(join(out, path)), { recursive: true });
  writeFileSync(join(out, path), `${lines.join('\n')}\n`);
}
writeFileSync(
  join(out, 'config.json'),
  `${JSON.stringify({ dl: 'https://crates.io/api/v1/crates', api: 'https://crates.io' }, null, 2)}\n`,
);
console.log(`wrote ${files.size} crate files to ${out}`);
