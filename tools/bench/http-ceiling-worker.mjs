// The most one Node process can do of a mirror run on this machine, as its own process (timed
// whole, like curl and lcs-fetcher): GET every URL with `node:http` keep-alive, `concurrency` in
// flight, sha256 of each body compared with its checksum. Without <out-dir> nothing is written;
// with it each body is written to <out-dir>/<path> as curl writes it (create, write, close: no
// temporary file, no fdatasync), so the run is the least any Node fetcher storing the same files
// can take. Usage: node http-ceiling-worker.mjs <downloads.json> <concurrency> [out-dir]
//   downloads.json: [{ "url": "...", "cksum": "<sha256 hex>", "path": "crates/a/a-1.0.0.crate" }, ...]
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writevSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { dirname, join } from 'node:path';

const [list, concurrencyArg, outDir] = process.argv.slice(2);
const downloads = JSON.parse(readFileSync(list, 'utf8'));
const concurrency = Number(concurrencyArg);
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const dirs = new Set();

/** @param {{ url: string, cksum: string, path: string }} download */
async function fetchOne({ url, cksum, path }) {
  const response = await new Promise((resolve, reject) =>
    get(url, { agent }, resolve).on('error', reject),
  );
  if (response.statusCode !== 200) throw new Error(`${url}: HTTP ${response.statusCode}`);
  const hash = createHash('sha256');
  const chunks = [];
  for await (const chunk of response) {
    hash.update(chunk);
    if (outDir) chunks.push(chunk);
  }
  if (hash.digest('hex') !== cksum) throw new Error(`${url}: checksum mismatch`);
  if (!outDir) return;
  const file = join(outDir, path);
  if (!dirs.has(dirname(file))) {
    mkdirSync(dirname(file), { recursive: true });
    dirs.add(dirname(file));
  }
  const fd = openSync(file, 'wx');
  writevSync(fd, chunks);
  closeSync(fd);
}

let next = 0;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < downloads.length) await fetchOne(downloads[next++]);
  }),
);
agent.destroy();
