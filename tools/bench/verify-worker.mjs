// One scrub (`runVerify`) as its own process, so its time and peak RSS are its own. Modes:
//   fs <indexDir> <storeDir> [threads]   the filesystem store, hashed by that many worker threads
//                                        (default 2; 0: on the main thread as it reads)
//   s3 <indexDir> <endpoint> <bucket>    an S3 store (s3rver), filled beforehand
//   sha256sum <storeDir>                 the baseline: sha256sum over the same files, one process
//   scale <gitdir> <crates> <perCrate> <sample>
//                                        a fake store listing every version of the generated
//                                        index (2 M keys), each object one byte: what the scrub
//                                        holds at crates.io's size, not the disk's speed
// Prints one JSON line: ms, peak RSS, and what was checked.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileMetadataStore, FsCrateStore } from '../../libs/crate-store/dist/index.js';
import { createS3Client, S3CrateStore } from '../../libs/crate-store/dist/s3/index.js';
import { DirectoryIndexSource, GitIndexSource } from '../../libs/index-reader/dist/index.js';
import { runVerify, VerifyStateStore } from '../../libs/mirror/dist/index.js';
import { generateIndex } from '../fixture-index.mjs';

const [mode, ...args] = process.argv.slice(2);
const rss = () => Math.round(process.resourceUsage().maxRSS / 1024);

async function scrub(source, store, sample = 1, hashThreads = undefined) {
  const meta = mkdtempSync(join(tmpdir(), 'lcs-verify-bench-'));
  try {
    const metadata = new FileMetadataStore(meta);
    const state = new VerifyStateStore(metadata);
    const lock = await metadata.acquireLock({ name: state.lockName });
    const started = performance.now();
    const summary = await runVerify({
      source,
      store,
      state,
      lock,
      sample,
      seed: 'ab'.repeat(8),
      ...(hashThreads !== undefined ? { hashThreads } : {}),
    });
    const ms = performance.now() - started;
    await lock.release();
    return {
      ms,
      checked: summary.checked,
      ok: summary.ok,
      bytes: summary.bytes,
      versions: summary.versions,
    };
  } finally {
    rmSync(meta, { recursive: true, force: true });
  }
}

let result;
if (mode === 'sha256sum') {
  const started = performance.now();
  execFileSync('sh', [
    '-c',
    `find "${args[0]}/crates" -name '*.crate' -print0 | xargs -0 sha256sum > /dev/null`,
  ]);
  result = { ms: performance.now() - started };
} else if (mode === 'fs') {
  const source = await DirectoryIndexSource.open(args[0]);
  result = await scrub(
    source,
    new FsCrateStore(args[1]),
    1,
    args[2] === undefined ? undefined : Number(args[2]),
  );
} else if (mode === 's3') {
  const client = createS3Client({
    endpoint: args[1],
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  const source = await DirectoryIndexSource.open(args[0]);
  result = await scrub(source, new S3CrateStore({ client, bucket: args[2] }));
  client.destroy();
} else if (mode === 'scale') {
  const [gitdir, crates, perCrate, sample] = args;
  const options = {
    crates: Number(crates),
    versionsPerCrate: Number(perCrate),
    seed: 11,
    sorted: true,
  };
  const one = new Uint8Array([1]);
  const store = {
    location: 'generated',
    async *list() {
      for (const { name, lines } of generateIndex(options))
        for (const line of lines) {
          const vers = /"vers":"([^"]+)"/.exec(line)[1];
          yield { name, version: vers, key: `crates/${name}/${name}-${vers}.crate`, size: 1 };
        }
    },
    async get() {
      return (async function* () {
        yield one;
      })();
    },
  };
  const source = await GitIndexSource.open(gitdir, { rev: 'master~1' });
  result = await scrub(source, store, Number(sample));
  await source.close();
} else throw new Error(`unknown mode ${mode}`);
console.log(JSON.stringify({ ...result, rssMiB: rss() }));
