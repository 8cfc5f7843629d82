// Deterministic generator of crates.io-shaped index data, for test fixtures and benchmarks.
// Lines follow the index JSON schema (https://doc.rust-lang.org/cargo/reference/registry-index.html#json-schema)
// and crates.io's field order, so sizes and parse costs resemble the real index.
import { createHash } from 'node:crypto';

/** mulberry32: small, fast, seedable PRNG. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = [
  'ser',
  'de',
  'tok',
  'io',
  'rand',
  'log',
  'syn',
  'quo',
  'te',
  'hyp',
  'er',
  'clap',
  'lib',
  'c',
  'reg',
  'ex',
  'url',
  'time',
  'byte',
  'mio',
  'futu',
  'res',
  'num',
  'trait',
  'base',
  'hex',
  'json',
  'yaml',
  'http',
  'core',
];

/** Same as the library's index path rule (kept independent on purpose: tests compare the two). */
export function fixturePath(name) {
  const n = name.toLowerCase();
  if (n.length === 1) return `1/${n}`;
  if (n.length === 2) return `2/${n}`;
  if (n.length === 3) return `3/${n[0]}/${n}`;
  return `${n.slice(0, 2)}/${n.slice(2, 4)}/${n}`;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/**
 * A deterministic list of `count` distinct crate names. A random two-letter stem followed by
 * syllables spreads names over `{ab}/{cd}/` directories the way real names do: at 200,000 crates,
 * 3.3 crates per leaf directory on average (the real index of 2019: 3.2), so tree objects have
 * realistic sizes.
 */
export function crateNames(count, seed = 1) {
  const next = rng(seed);
  const names = new Set();
  while (names.size < count) {
    let name = LETTERS[Math.floor(next() * 26)] + LETTERS[Math.floor(next() * 26)];
    const parts = Math.floor(next() * 3);
    for (let i = 0; i < parts; i++) {
      name +=
        (next() < 0.4 ? (next() < 0.5 ? '-' : '_') : '') +
        SYLLABLES[Math.floor(next() * SYLLABLES.length)];
    }
    if (next() < 0.2) name += Math.floor(next() * 100);
    if (name.length > 3) names.add(name);
  }
  return [...names];
}

/** One index line (a JSON object) for a generated version. */
export function versionEntry(next, name, vers, depNames, options = {}) {
  const deps = depNames.map((dep, i) => ({
    name: dep,
    req: `^${Math.floor(next() * 3)}.${Math.floor(next() * 20)}`,
    features: next() < 0.2 ? ['std'] : [],
    optional: next() < 0.2,
    default_features: next() >= 0.1,
    target: next() < 0.1 ? 'cfg(unix)' : null,
    kind: i % 5 === 4 ? 'dev' : i % 7 === 6 ? 'build' : 'normal',
  }));
  const entry = {
    name,
    vers,
    deps,
    cksum: createHash('sha256').update(`${name}-${vers}`).digest('hex'),
    features: next() < 0.5 ? { default: ['std'], std: [] } : {},
    yanked: options.yanked ?? next() < 0.035,
  };
  return entry;
}

/**
 * Generates `crates` crates with about `versionsPerCrate` versions each (at least 1).
 * Yields `{ name, path, lines }` in generation order, or in path order with `sorted`; `lines` are JSON strings.
 */
export function* generateIndex({
  crates,
  versionsPerCrate = 6,
  seed = 7,
  depsPerVersion = 4,
  sorted = false,
}) {
  const names = crateNames(crates, seed);
  // In path order, a writer that deltas each blob against the previous one (git fast-import) builds
  // delta chains that follow the order readers walk the tree, as `git pack-objects` would.
  if (sorted) names.sort((a, b) => (fixturePath(a) < fixturePath(b) ? -1 : 1));
  const next = rng(seed + 1);
  for (const name of names) {
    const versions = Math.max(1, Math.round(versionsPerCrate * 2 * next()));
    const lines = [];
    for (let v = 0; v < versions; v++) {
      const depCount = Math.floor(next() * depsPerVersion * 2);
      const depNames = [];
      for (let d = 0; d < depCount; d++) depNames.push(names[Math.floor(next() * names.length)]);
      lines.push(
        JSON.stringify(versionEntry(next, name, `0.${Math.floor(v / 4)}.${v % 4}`, depNames)),
      );
    }
    yield { name, path: fixturePath(name), lines };
  }
}
