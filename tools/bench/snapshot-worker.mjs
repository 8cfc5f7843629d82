// The snapshot reader at crates.io's size, one measurement per process (peak RSS is its own).
// Usage: node snapshot-worker.mjs <mode> <gitdir> <meta> <store> <names-file>
//   read-baseline  git cat-file --batch reading the names' index files at the newest commit
//                  (the floor: what reading those files costs git, nothing parsed)
//   versions       SnapshotReader.open('latest'), then versions(name) for every name: parse,
//                  augmented lookup, a store `has` per version
//   diff-baseline  git diff-tree -r between the two commits, then cat-file of every changed blob
//   changes        reader.changes(first, latest): every change merged and flagged
//   populate       (setup, not measured) stores a stand-in file for 9 in 10 versions of the names
//                  and of the changed files, so most `has` calls find a file, as in a mirror
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { crateKey, FileMetadataStore, FsCrateStore } from '../../libs/crate-store/dist/index.js';
import { indexPath } from '../../libs/index-reader/dist/index.js';
import { SnapshotReader } from '../../libs/snapshot/dist/index.js';
import { SnapshotHistory } from '../../libs/snapshot/dist/history/index.js';

const [mode, gitdir, meta, storeDir, namesFile] = process.argv.slice(2);
const names = readFileSync(namesFile, 'utf8').trim().split('\n');
const git = (...args) =>
  execFileSync('git', ['--git-dir', gitdir, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
const result = {};

async function catFile(requests) {
  const cat = spawn('git', ['--git-dir', gitdir, 'cat-file', '--batch'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let bytes = 0;
  cat.stdout.on('data', (chunk) => (bytes += chunk.length));
  const done = new Promise((resolve) => cat.on('close', resolve));
  for (const request of requests)
    if (!cat.stdin.write(`${request}\n`)) await new Promise((r) => cat.stdin.once('drain', r));
  cat.stdin.end();
  await done;
  return bytes;
}

async function open() {
  const store = new FsCrateStore(storeDir);
  const history = new SnapshotHistory({ metadata: new FileMetadataStore(meta), objects: store });
  // The generated index stands in for the augmented index too: each lookup reads and parses a
  // file of the same size (its lines are not augmented lines, so versions say augmented: false).
  return SnapshotReader.openPaths({ index: gitdir, augmented: gitdir, store, history });
}

const started = performance.now();
if (mode === 'read-baseline') {
  const head = git('rev-parse', 'master').trim();
  result.bytes = await catFile(names.map((name) => `${head}:${indexPath(name)}`));
} else if (mode === 'versions') {
  const reader = await open();
  const snapshot = await reader.open('latest');
  let versions = 0;
  let mirrored = 0;
  // As a resolver asks: 8 crates in flight (as many as the HTTP API serves at once by default).
  const queue = [...names];
  const worker = async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      for (const v of (await snapshot.versions(name)) ?? []) {
        versions++;
        if (v.mirrored) mirrored++;
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  Object.assign(result, { versions, mirrored, commit: snapshot.commit });
  await reader.close();
} else if (mode === 'diff-baseline') {
  const lines = git('diff-tree', '-r', 'master~1', 'master').trim().split('\n');
  result.files = lines.length;
  result.bytes = await catFile(lines.map((l) => l.split(' ')[3]));
} else if (mode === 'changes') {
  const reader = await open();
  const from = await reader.open({ ref: 'master~1' });
  const to = await reader.open('latest');
  let changes = 0;
  const files = new Set();
  for await (const change of reader.changes(from, to)) {
    changes++;
    files.add(change.position.path);
  }
  Object.assign(result, { changes, files: files.size });
  await reader.close();
} else if (mode === 'populate') {
  const head = git('rev-parse', 'master').trim();
  const changed = git('diff-tree', '-r', '--name-only', 'master~1', 'master').trim().split('\n');
  const paths = [...new Set([...names.map((n) => indexPath(n)), ...changed])];
  let i = 0;
  for (const path of paths) {
    const text = git('cat-file', 'blob', `${head}:${path}`);
    for (const line of text.trim().split('\n')) {
      if (i++ % 10 === 0) continue;
      const { name, vers } = JSON.parse(line);
      const file = join(storeDir, crateKey({ name, version: vers }));
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, 'stand-in');
    }
  }
  result.files = i;
} else throw new Error(`unknown mode ${mode}`);
result.ms = performance.now() - started;
result.rssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
console.log(JSON.stringify(result));
