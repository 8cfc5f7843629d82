// One crate-store measurement in its own process. Prints one JSON line {ms, rssMiB, ...}.
// Usage: node crate-store-worker.mjs <mode> ...
//   copy <corpus> <dir> <concurrency>          baseline: plain writeFile of each .crate (no hash, no fsync)
//   put <corpus> <store-url> <concurrency>     store.put of each .crate (verified, atomic)
//   seed <store-url> <n> <concurrency>         stores n tiny crates (setup of the listing benchmark)
//   list <store-url>                           lists every stored crate
// S3 URLs use LCS_BENCH_S3_ENDPOINT with s3rver's credentials.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openCrateStore } from '@lcs/crate-store';
import { createS3Client } from '@lcs/crate-store/s3';

const [mode, ...args] = process.argv.slice(2);
const endpoint = process.env.LCS_BENCH_S3_ENDPOINT;
const s3 = endpoint
  ? createS3Client({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    })
  : undefined;

async function pool(items, concurrency, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

function corpus(dir) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.crate'))
    .sort()
    .map((file) => {
      const [, name, version] = /^(.*)-(\d+\.\d+\.\d+.*)\.crate$/.exec(file);
      const bytes = readFileSync(join(dir, file));
      return { name, version, bytes, cksum: createHash('sha256').update(bytes).digest('hex') };
    });
}

const result = {};
let started;
if (mode === 'copy' || mode === 'put') {
  const [dir, base, concurrency] = args;
  // A fresh destination per run: a repeated run must not find its crates already stored.
  const target = `${base}-${process.pid}`;
  const crates = corpus(dir);
  const store = mode === 'put' ? openCrateStore(target, { s3 }) : undefined;
  if (!store) mkdirSync(target, { recursive: true });
  started = performance.now();
  await pool(crates, Number(concurrency), async (c) => {
    if (store) await store.put(c, c.bytes);
    else await writeFile(join(target, `${c.name}-${c.version}.crate`), c.bytes);
  });
  result.crates = crates.length;
  result.bytes = crates.reduce((sum, c) => sum + c.bytes.length, 0);
} else if (mode === 'seed') {
  const [target, n, concurrency] = args;
  const store = openCrateStore(target, { s3 });
  const items = Array.from({ length: Number(n) }, (_, i) => {
    const bytes = Buffer.from(`crate ${i}`);
    return {
      name: `c${i % 20000}`,
      version: `1.${Math.floor(i / 20000)}.0`,
      bytes,
      cksum: createHash('sha256').update(bytes).digest('hex'),
    };
  });
  started = performance.now();
  await pool(items, Number(concurrency), (c) => store.put(c, c.bytes));
  result.crates = items.length;
} else if (mode === 'list') {
  const store = openCrateStore(args[0], { s3 });
  started = performance.now();
  let crates = 0;
  for await (const _ of store.list()) crates++;
  result.crates = crates;
} else {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
const ms = performance.now() - started;
console.log(
  JSON.stringify({ ...result, ms, rssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }),
);
s3?.destroy();
