// A local crates registry for end-to-end tests and benchmarks: a git index served over smart HTTP
// (and readable as a local repository), and a static download server for generated `.crate` files,
// on a random loopback port. Faults can be injected per crate version: an HTTP status (with
// Retry-After), a connection reset mid-body, a truncated body, wrong bytes, a stalled response, a
// trickle (one byte at a time).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { crateNames, fixturePath } from '../fixture-index.mjs';
import { serveGit } from './git-http.mjs';

function git(cwd, ...args) {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'sim',
      GIT_AUTHOR_EMAIL: 'sim@example.com',
      GIT_COMMITTER_NAME: 'sim',
      GIT_COMMITTER_EMAIL: 'sim@example.com',
    },
  }).trim();
}

/** A deterministic `.crate` (gzip tar) with a Cargo.toml declaring `deps` and `devDeps`. */
export async function buildCrate(name, version, { deps = [], devDeps = [], salt = '' } = {}) {
  const manifest = [
    '[package]',
    `name = "${name}"`,
    `version = "${version}"`,
    'edition = "2018"',
    `description = "generated crate ${name} ${version}${salt}"`,
    'license = "MIT"',
    '',
    '[dependencies]',
    ...deps.map((d) => `${d} = "1"`),
    '',
    '[dev-dependencies]',
    ...devDeps.map((d) => `${d} = { version = "^0.1", features = ["std"] }`),
    '',
  ].join('\n');
  const pack = tar.pack();
  const chunks = [];
  const done = new Promise((resolve, reject) => {
    pack.on('data', (c) => chunks.push(c));
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  const mtime = new Date(0);
  pack.entry({ name: `${name}-${version}/Cargo.toml`, mtime }, manifest);
  pack.entry(
    { name: `${name}-${version}/src/lib.rs`, mtime },
    `//! ${name} ${version}\npub fn answer() -> u32 { 42 }\n`,
  );
  pack.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

function depLine(name, kind) {
  return {
    name,
    req: kind === 'dev' ? '^0.1' : '^1',
    features: kind === 'dev' ? ['std'] : [],
    optional: false,
    default_features: true,
    target: null,
    kind,
  };
}

/**
 * Starts the simulator with `crates` generated crates of `versionsPerCrate` versions each, already
 * published and committed. Returns its URLs, a handle to publish, yank and inject faults, and `stop()`.
 */
export async function startRegistrySimulator({ crates = 10, versionsPerCrate = 2, seed = 7 } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'lcs-registry-'));
  const indexDir = join(root, 'index');
  mkdirSync(indexDir);
  git(indexDir, 'init', '-q', '-b', 'master');
  const published = new Map(); // name@version → { name, version, cksum, bytes }
  const faults = new Map(); // name@version → { kind, status, retryAfter, times }
  const downloads = [];
  const sockets = new Set();

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/git/'))
      return serveGit(root, url.pathname.slice('/git'.length), req, res);
    const match = /^\/dl\/([^/]+)\/([^/]+)\.crate$/.exec(url.pathname);
    if (!match) return res.writeHead(404).end();
    const [, name, file] = match;
    const version = file.slice(name.length + 1);
    const id = `${name}@${version}`;
    downloads.push({ id, userAgent: req.headers['user-agent'] });
    const crate = published.get(id);
    if (!crate) return res.writeHead(404).end('no such crate');
    const fault = faults.get(id);
    if (fault && fault.times > 0) {
      fault.times--;
      const half = crate.bytes.subarray(0, Math.floor(crate.bytes.length / 2));
      switch (fault.kind) {
        case 'status':
          return res
            .writeHead(
              fault.status,
              fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {},
            )
            .end('fault');
        case 'reset':
          res.writeHead(200, {
            'content-length': crate.bytes.length,
            'content-type': 'application/gzip',
          });
          res.write(half);
          return void setTimeout(() => res.socket?.destroy(), 20);
        case 'truncate':
          // Chunked, so the client cannot tell from the framing: only the checksum can.
          res.writeHead(200, { 'content-type': 'application/gzip' });
          return res.end(half);
        case 'wrong': {
          const wrong = Buffer.from(crate.bytes);
          wrong[wrong.length - 1] ^= 0xff;
          return res.writeHead(200, { 'content-length': wrong.length }).end(wrong);
        }
        case 'stall':
          res.writeHead(200, { 'content-length': crate.bytes.length });
          return res.write(half); // and never more
        case 'trickle': {
          // Prompt headers, then one byte every `everyMs`: never idle long, never done.
          res.writeHead(200, { 'content-length': crate.bytes.length });
          res.flushHeaders();
          let sent = 0;
          const timer = setInterval(() => {
            if (sent >= crate.bytes.length) return (clearInterval(timer), res.end());
            res.write(crate.bytes.subarray(sent, ++sent));
          }, fault.everyMs ?? 200);
          res.on('close', () => clearInterval(timer));
          return;
        }
      }
    }
    res.writeHead(200, {
      'content-length': crate.bytes.length,
      'content-type': 'application/gzip',
    });
    res.end(crate.bytes);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  writeFileSync(
    join(indexDir, 'config.json'),
    `${JSON.stringify({ dl: `${base}/dl/{crate}/{crate}-{version}.crate`, api: base }, null, 2)}\n`,
  );

  const names = crateNames(crates, seed);
  const sim = {
    root,
    indexPath: indexDir,
    indexUrl: `${base}/git/index`,
    dlBase: `${base}/dl`,
    names,
    published,
    faults,
    downloads,
    /** Writes a version's index line and `.crate` (committed unless `commit: false`). */
    async publish(
      name,
      version,
      { yanked = false, deps = [], devDeps = [], commit = true, salt = '', bytes: given } = {},
    ) {
      const bytes = given ?? (await buildCrate(name, version, { deps, devDeps, salt }));
      const cksum = createHash('sha256').update(bytes).digest('hex');
      const line = {
        name,
        vers: version,
        deps: [...deps.map((d) => depLine(d, 'normal')), ...devDeps.map((d) => depLine(d, 'dev'))],
        cksum,
        features: {},
        yanked,
        links: null,
      };
      const path = join(indexDir, fixturePath(name));
      mkdirSync(dirname(path), { recursive: true });
      const lines = existsSync(path)
        ? readFileSync(path, 'utf8')
            .split('\n')
            .filter(Boolean)
            .filter((l) => JSON.parse(l).vers !== version)
        : [];
      lines.push(JSON.stringify(line));
      writeFileSync(path, `${lines.join('\n')}\n`);
      published.set(`${name}@${version}`, { name, version, cksum, bytes, deps, devDeps });
      if (commit) sim.commit(`publish ${name} ${version}`);
      return { name, version, cksum, bytes };
    },
    /** Marks a published version yanked in the index (the file stays downloadable). */
    yank(name, version, { commit = true } = {}) {
      const path = join(indexDir, fixturePath(name));
      const lines = readFileSync(path, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => {
          const entry = JSON.parse(l);
          return JSON.stringify(entry.vers === version ? { ...entry, yanked: true } : entry);
        });
      writeFileSync(path, `${lines.join('\n')}\n`);
      if (commit) sim.commit(`yank ${name} ${version}`);
    },
    commit(message = 'update') {
      git(indexDir, 'add', '-A');
      git(indexDir, 'commit', '-q', '--allow-empty', '-m', message);
      return git(indexDir, 'rev-parse', 'HEAD');
    },
    /** Injects a fault for the next `times` downloads of `name@version` (default: every one). */
    fault(id, fault) {
      faults.set(id, { times: Number.POSITIVE_INFINITY, ...fault });
    },
    clearFaults() {
      faults.clear();
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
      rmSync(root, { recursive: true, force: true });
    },
  };

  // Initial population: every crate with its versions, dev-dependencies on earlier crates.
  for (const [i, name] of names.entries()) {
    for (let v = 0; v < versionsPerCrate; v++) {
      const devDeps = i > 0 ? [names[(i * 7 + v) % i]] : [];
      const deps = i > 1 ? [names[(i * 3) % (i - 1)]] : [];
      await sim.publish(name, `0.1.${v}`, { deps, devDeps, commit: false });
    }
  }
  sim.commit(`initial: ${names.length} crates`);
  return sim;
}
