#!/usr/bin/env node
// Writes test-fixtures/registry: a small crates registry on disk for `npm run demo`, with no
// server and no network. `index/` is laid out like crates.io-index (a plain directory, so every
// run is a full comparison with the store); `crates/` holds the `.crate` files in
// static.crates.io's layout, fetched through a `file://` download template (`--dl`).
// Deterministic: the same script gives the same bytes.
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { crateNames, fixturePath } from './fixture-index.mjs';
import { buildCrate } from './test-servers/registry-simulator.mjs';

const out = resolve(process.argv[2] ?? 'test-fixtures/registry');
rmSync(out, { recursive: true, force: true });
const names = crateNames(15, 42);
mkdirSync(join(out, 'index'), { recursive: true });
writeFileSync(
  join(out, 'index', 'config.json'),
  `${JSON.stringify({ dl: 'https://registry.invalid/crates/{crate}/{crate}-{version}.crate', api: 'https://registry.invalid' }, null, 2)}\n`,
);
let versions = 0;
for (const [i, name] of names.entries()) {
  const lines = [];
  for (const [v, version] of ['0.1.0', '0.2.0'].entries()) {
    const devDeps = i > 0 ? [names[(i + v) % i]] : [];
    const bytes = await buildCrate(name, version, { devDeps });
    const file = join(out, 'crates', name, `${name}-${version}.crate`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, bytes);
    const deps = devDeps.map((d) => ({
      name: d,
      req: '^0.1',
      features: ['std'],
      optional: false,
      default_features: true,
      target: null,
      kind: 'dev',
    }));
    lines.push(
      JSON.stringify({
        name,
        vers: version,
        deps,
        cksum: createHash('sha256').update(bytes).digest('hex'),
        features: {},
        yanked: i % 7 === 3 && v === 0,
        links: null,
      }),
    );
    versions++;
  }
  const path = join(out, 'index', fixturePath(name));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${lines.join('\n')}\n`);
}
console.log(`wrote ${names.length} crates, ${versions} versions to ${out}`);
