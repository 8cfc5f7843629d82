// The most one Node process can do of a mirror run on this machine, as its own process (timed
// whole, like curl and lcs-fetcher): GET every URL with `node:http` keep-alive, `concurrency` in
// flight, sha256 of each body compared with its checksum, nothing written. No store, no index, no
// state: what is left of lcs-fetcher's time above this is ours; what is left of curl's below it is
// the runtime's. Usage: node http-ceiling-worker.mjs <downloads.json> <concurrency>
//   downloads.json: [{ "url": "...", "cksum": "<sha256 hex>" }, ...]
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, get } from 'node:http';

const [list, concurrencyArg] = process.argv.slice(2);
const downloads = JSON.parse(readFileSync(list, 'utf8'));
const concurrency = Number(concurrencyArg);
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

/** @param {{ url: string, cksum: string }} download */
async function fetchOne({ url, cksum }) {
  const response = await new Promise((resolve, reject) =>
    get(url, { agent }, resolve).on('error', reject),
  );
  if (response.statusCode !== 200) throw new Error(`${url}: HTTP ${response.statusCode}`);
  const hash = createHash('sha256');
  for await (const chunk of response) hash.update(chunk);
  if (hash.digest('hex') !== cksum) throw new Error(`${url}: checksum mismatch`);
}

let next = 0;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < downloads.length) await fetchOne(downloads[next++]);
  }),
);
agent.destroy();
