#!/usr/bin/env node
// `npm run bench`: speed and memory, each compared with a baseline measured in the same run.
// Every measurement runs in its own process (peak RSS is its own). Options:
//   --crates N            size of the generated index (default 200000, crates.io's size)
//   --versions-per-crate N  (default 10: 2 million versions)
//   --changed N           files changed between the two generated commits (default 1500)
//   --repeat N            runs per fast measurement, the median is shown (default 3)
//   --only NAME           run one section: index-reader, cargo-manifest, crate-store, metrics,
//                         fetcher, verify, backfiller or snapshot
//   --list-keys N         stored keys for the filesystem listing measurement (default 100000)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startS3rver } from '../test-servers/index.mjs';
import { generateGitIndex } from './generate-git-index.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const WORKER = join(import.meta.dirname, 'index-scan-worker.mjs');
const CRATE_WORKER = join(import.meta.dirname, 'crate-read-worker.mjs');
const CORPUS = join(ROOT, 'test-fixtures/.cache/debian-crates');
const BUNDLE = resolve(ROOT, '../shared/data/crates.io-index-2019-11-10.bundle');
const { values } = parseArgs({
  options: {
    crates: { type: 'string', default: '200000' },
    'versions-per-crate': { type: 'string', default: '10' },
    changed: { type: 'string', default: '1500' },
    repeat: { type: 'string', default: '3' },
    only: { type: 'string' },
    'list-keys': { type: 'string', default: '100000' },
  },
});
const repeat = Number(values.repeat);

function measure(args, runs = repeat, command = [process.execPath, WORKER], env = process.env) {
  const results = [];
  const [bin, ...pre] = command;
  for (let i = 0; i < runs; i++) {
    results.push(
      JSON.parse(
        execFileSync(bin, [...pre, ...args], {
          encoding: 'utf8',
          maxBuffer: 1 << 24,
          env,
        }).trim(),
      ),
    );
  }
  results.sort((x, y) => x.ms - y.ms);
  const median = results[Math.floor(results.length / 2)];
  return { ...median, rssMiB: Math.max(...results.map((r) => r.rssMiB)), runs };
}

const fmt = (n) => n.toLocaleString('en-US');
const secs = (ms) => (ms < 100 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`).padStart(9);
function row(label, r, base, goal) {
  const ratio = base ? `${(r.ms / base.ms).toFixed(2)}x`.padStart(7) : '';
  const verdict = goal ? `  goal ${goal.text}: ${goal.ok(r) ? 'met' : 'NOT met'}` : '';
  console.log(
    `  ${label.padEnd(52)} ${secs(r.ms)} ${ratio}  rss ${String(r.rssMiB).padStart(4)} MiB${verdict}`,
  );
}

async function indexReaderBench() {
  console.log(
    `index-reader benchmark (node ${process.version}, ${repeat} runs per fast measurement, median time, peak RSS)`,
  );

  // 1. The real crates.io index of 2019-11-10.
  const real = join(tmp, 'real.git');
  execFileSync('git', ['clone', '-q', '--bare', BUNDLE, real]);
  const base = measure(['baseline', real, 'HEAD']);
  const raw = measure(['raw', real, 'HEAD', 'git']);
  const json = measure(['json', real, 'HEAD']);
  const parsed = measure(['parsed', real, 'HEAD', 'git']);
  const iso = measure(['raw', real, 'HEAD', 'isomorphic-git'], 1);
  console.log(
    `\nreal crates.io index 2019-11-10: ${fmt(parsed.files)} crates, ${fmt(parsed.versions)} versions, ${(base.bytes / 2 ** 20).toFixed(0)} MiB of index files`,
  );
  row('baseline: git ls-tree -r + git cat-file --batch', base);
  row('full scan, files read (git backend)', raw, base, {
    text: '<= 1.5x baseline',
    ok: (r) => r.ms <= 1.5 * base.ms,
  });
  row('full scan + JSON.parse of every line (no zod)', json, base);
  row('full scan + JSON.parse + zod (scanIndex)', parsed, base);
  row('full scan, files read (isomorphic-git backend)', iso, base);

  // 2. A generated index at crates.io's current size.
  const gen = join(tmp, 'generated.git');
  const t0 = performance.now();
  const g = await generateGitIndex(gen, {
    crates: Number(values.crates),
    versionsPerCrate: Number(values['versions-per-crate']),
    changed: Number(values.changed),
  });
  const genBase = measure(['baseline', gen, g.second], 1);
  console.log(
    `\ngenerated index: ${fmt(g.crates)} crates, ${fmt(g.versions)} versions, ${(genBase.bytes / 2 ** 20).toFixed(0)} MiB (built in ${((performance.now() - t0) / 1000).toFixed(0)} s)`,
  );
  const genRaw = measure(['raw', gen, g.second, 'git'], 1);
  const genParsed = measure(['parsed', gen, g.second, 'git'], 1);
  row('baseline: git ls-tree -r + git cat-file --batch', genBase);
  row('full scan, files read (git backend)', genRaw, genBase, {
    text: '< 30 s, < 512 MiB',
    ok: (r) => r.ms < 30_000 && r.rssMiB < 512,
  });
  row('full scan + JSON.parse + zod (scanIndex)', genParsed, genBase, {
    text: '< 30 s, < 512 MiB',
    ok: (r) => r.ms < 30_000 && r.rssMiB < 512,
  });

  // 3. Diff of two commits of the generated index.
  const diff = measure(['diff', gen, g.first, g.second, 'git']);
  const diffIso = measure(['diff', gen, g.first, g.second, 'isomorphic-git'], 1);
  console.log(
    `\ndiff of two commits, ${fmt(g.changedFiles)} crate files changed (${JSON.stringify(diff.kinds)})`,
  );
  // For scale, the ratio is against a full read of the new commit (the baseline measured above).
  row('diffIndex (git backend)', diff, genBase, { text: '< 1 s', ok: (r) => r.ms < 1000 });
  row('diffIndex (isomorphic-git backend)', diffIso, genBase);
  if (diff.files !== g.changedFiles)
    throw new Error(`diff found ${diff.files} files, expected ${g.changedFiles}`);
}

function cargoManifestBench() {
  execFileSync(join(ROOT, 'tools/debian-crate-corpus.sh'), [CORPUS, '400'], { stdio: 'ignore' });
  const rounds = '5';
  const base = measure(
    [join(import.meta.dirname, 'crate-read-baseline.py'), CORPUS, rounds],
    repeat,
    ['python3'],
  );
  const manifest = measure(['manifest', CORPUS, rounds], repeat, [process.execPath, CRATE_WORKER]);
  const full = measure(['full', CORPUS, rounds], repeat, [process.execPath, CRATE_WORKER]);
  const full4 = measure(['full', CORPUS, rounds, '4'], repeat, [process.execPath, CRATE_WORKER]);
  const rate = (r) => `${Math.round((1000 * r.crates) / r.ms)} crates/s`;
  console.log(
    `\ncargo-manifest: ${base.crates} reads of ${base.crates / Number(rounds)} real crates (Debian corpus, ${rounds} rounds)`,
  );
  row(`baseline: Python tarfile + tomllib (${rate(base)})`, base);
  row(`stop at Cargo.toml + parseManifest (${rate(manifest)})`, manifest, base, {
    text: '>= 500 crates/s, < 300 MiB',
    ok: (r) => (1000 * r.crates) / r.ms >= 500 && r.rssMiB < 300,
  });
  row(`readCrateManifest, whole archive (${rate(full)})`, full, base, {
    text: '>= 500 crates/s, < 300 MiB',
    ok: (r) => (1000 * r.crates) / r.ms >= 500 && r.rssMiB < 300,
  });
  row(`readCrateManifest, 4 crates at a time (${rate(full4)})`, full4, base, {
    text: '>= 500 crates/s, < 300 MiB',
    ok: (r) => (1000 * r.crates) / r.ms >= 500 && r.rssMiB < 300,
  });
}

async function crateStoreBench() {
  execFileSync(join(ROOT, 'tools/debian-crate-corpus.sh'), [CORPUS, '400'], { stdio: 'ignore' });
  const worker = [process.execPath, join(import.meta.dirname, 'crate-store-worker.mjs')];
  const s3 = await startS3rver({ buckets: ['crates'] });
  // The AWS SDK warns on every start that its 2027 releases need Node 22; known, and not a result.
  const s3env = { ...process.env, LCS_BENCH_S3_ENDPOINT: s3.endpoint, NODE_NO_WARNINGS: '1' };
  try {
    let run = 0;
    const dir = (name) => join(tmp, `${name}-${++run}`);
    const copy = measure(['copy', CORPUS, dir('copy'), '8'], repeat, worker);
    const fs = measure(['put', CORPUS, dir('fs'), '8'], repeat, worker);
    const s3put = measure(['put', CORPUS, `s3://crates/put-${++run}`, '8'], repeat, worker, s3env);
    const mbps = (r) =>
      `${(((r.bytes / r.ms) * 1000) / 2 ** 20).toFixed(0)} MiB/s, ${Math.round((1000 * r.crates) / r.ms)} crates/s`;
    console.log(
      `\ncrate-store: put of ${copy.crates} real crates (${(copy.bytes / 2 ** 20).toFixed(1)} MiB, Debian corpus), 8 at a time`,
    );
    row(`baseline: writeFile, no hash/fsync (${mbps(copy)})`, copy);
    row(`filesystem store (${mbps(fs)})`, fs, copy);
    row(`S3 store, s3rver (${mbps(s3put)})`, s3put, copy);
    console.log(`  S3 / filesystem put time: ${(s3put.ms / fs.ms).toFixed(2)}x`);

    const keys = Number(values['list-keys']);
    const listed = dir('list');
    const seeded = measure(['seed', listed, String(keys), '16'], 1, worker);
    const find = measureCommand([
      'find',
      join(listed, 'crates'),
      '-name',
      '*.crate',
      '-printf',
      '%s\n',
    ]);
    const list = measure(['list', listed], repeat, worker);
    const s3keys = Math.min(keys, 10_000);
    const s3seeded = measure(['seed', 's3://crates/list', String(s3keys), '32'], 1, worker, s3env);
    const s3list = measure(['list', 's3://crates/list'], repeat, worker, s3env);
    console.log(
      `\ncrate-store: listing (${fmt(keys)} keys on the filesystem, ${fmt(s3keys)} in s3rver)`,
    );
    row(
      `filesystem seed: ${fmt(seeded.crates)} puts (${Math.round((1000 * seeded.crates) / seeded.ms)}/s)`,
      seeded,
    );
    row('baseline: find -printf %s (readdir + stat)', find);
    row(`filesystem list() of ${fmt(list.crates)} keys`, list, find);
    row(
      `S3 seed: ${fmt(s3seeded.crates)} puts (${Math.round((1000 * s3seeded.crates) / s3seeded.ms)}/s)`,
      s3seeded,
    );
    row(
      `S3 store list() of ${fmt(s3list.crates)} keys, ${Math.ceil(s3list.crates / 1000)} pages`,
      s3list,
    );
  } finally {
    await s3.stop();
  }
}

function metricsBench() {
  const worker = [process.execPath, join(import.meta.dirname, 'metrics-worker.mjs')];
  const crates = values.crates;
  const bounded = measure(['bounded', crates], repeat, worker);
  const perCrate = measure(['per-crate', crates], repeat, worker);
  const update = measure(['update', crates], repeat, worker);
  const mib = (r) => `${(r.bytes / 2 ** 20).toFixed(1)} MiB`;
  console.log(
    `\nmetrics: index_crate_version_count over ${fmt(Number(crates))} crates (prom-client ${'15.1'})`,
  );
  row(`baseline: totals only, exposition ${mib(bounded)}`, bounded);
  row(`per-crate gauge: set all + exposition ${mib(perCrate)}`, perCrate, bounded);
  console.log(
    `    of which set ${(perCrate.setMs / 1000).toFixed(2)} s, exposition ${(perCrate.exposeMs / 1000).toFixed(2)} s`,
  );
  row('per-crate gauge: re-set 1,000 changed crates', update);
}

/**
 * `lcs-fetcher verify`'s scrub: the Debian corpus (three copies of each crate) in a filesystem store
 * against `sha256sum` of the same files in the same run; the same objects in S3 (s3rver); and the
 * scrub over a generated 2 M-key listing for its peak RSS.
 */
async function verifyBench() {
  execFileSync(join(ROOT, 'tools/debian-crate-corpus.sh'), [CORPUS, '400'], { stdio: 'ignore' });
  const VERIFY = join(import.meta.dirname, 'verify-worker.mjs');
  const tmp = mkdtempSync(join(tmpdir(), 'lcs-verify-bench-'));
  const s3 = await startS3rver({ buckets: ['crates'] });
  try {
    const index = join(tmp, 'index');
    const storeDir = join(tmp, 'store');
    const { FsCrateStore } = await import('../../libs/crate-store/dist/index.js');
    const { createS3Client, S3CrateStore } =
      await import('../../libs/crate-store/dist/s3/index.js');
    const client = createS3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      credentials: s3.credentials,
    });
    const fs = new FsCrateStore(storeDir);
    const bucket = new S3CrateStore({ client, bucket: 'crates' });
    const { createHash } = await import('node:crypto');
    const { mkdirSync, readdirSync, readFileSync, appendFileSync } = await import('node:fs');
    const { indexPath } = await import('../../libs/index-reader/dist/index.js');
    mkdirSync(index, { recursive: true });
    writeFileSync(join(index, 'config.json'), '{"dl":"https://static.crates.io/crates"}');
    let bytes = 0;
    let objects = 0;
    for (const file of readdirSync(CORPUS).filter((f) => f.endsWith('.crate'))) {
      const [, name, version] = /^(.*)-(\d+\.\d+\.\d+.*)\.crate$/.exec(file);
      const data = readFileSync(join(CORPUS, file));
      const cksum = createHash('sha256').update(data).digest('hex');
      const path = join(index, indexPath(name));
      mkdirSync(join(path, '..'), { recursive: true });
      for (const copy of ['', '-bench.1', '-bench.2']) {
        const crate = { name, version: `${version}${copy}`, cksum };
        appendFileSync(
          path,
          `${JSON.stringify({ name, vers: crate.version, deps: [], cksum, features: {}, yanked: false })}\n`,
        );
        await fs.put(crate, data);
        await bucket.put(crate, data);
        bytes += data.length;
        objects++;
      }
    }
    client.destroy();
    // Warm the page cache once, so both read the same way.
    measure(['sha256sum', storeDir], 1, [process.execPath, VERIFY]);
    const base = measure(['sha256sum', storeDir], repeat, [process.execPath, VERIFY]);
    const local = measure(['fs', index, storeDir], repeat, [process.execPath, VERIFY]);
    const single = measure(['fs', index, storeDir, '0'], repeat, [process.execPath, VERIFY]);
    const remote = measure(['s3', index, s3.endpoint, 'crates'], repeat, [
      process.execPath,
      VERIFY,
    ]);
    const mibs = (r) => `${(((bytes / r.ms) * 1000) / 2 ** 20).toFixed(0)} MiB/s`;
    console.log(
      `\nlcs-fetcher verify: scrub ${fmt(objects)} objects (${(bytes / 2 ** 20).toFixed(0)} MiB, the Debian corpus three times), page cache warm`,
    );
    row(`baseline: sha256sum of the same files, one process (${mibs(base)})`, base);
    row(
      `runVerify, filesystem store, 2 hashing threads (${mibs(local)}, ${(base.ms / local.ms).toFixed(2)}x sha256sum's throughput)`,
      local,
      base,
      { text: 'throughput >= 0.8x sha256sum', ok: (r) => base.ms / r.ms >= 0.8 },
    );
    row(
      `runVerify, filesystem store, hashed on the main thread (${mibs(single)}, ${(base.ms / single.ms).toFixed(2)}x)`,
      single,
      base,
    );
    row(
      `runVerify, S3 (s3rver on loopback) (${mibs(remote)}, ${(local.ms / remote.ms).toFixed(2)}x the filesystem's throughput)`,
      remote,
      local,
    );
    const gitdir = join(tmp, 'scale.git');
    await generateGitIndex(gitdir, {
      crates: Number(values.crates),
      versionsPerCrate: Number(values['versions-per-crate']),
      changed: 1,
    });
    const scale = measure(
      ['scale', gitdir, values.crates, values['versions-per-crate'], '0.02'],
      1,
      [process.execPath, VERIFY],
    );
    row(
      `runVerify over a ${fmt(scale.versions)}-version index and a listing of as many keys (2 % read), peak RSS ${scale.rssMiB} MiB`,
      scale,
      undefined,
      { text: 'peak RSS < 300 MiB', ok: (r) => r.rssMiB < 300 },
    );
  } finally {
    await s3.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

function fetcherBench() {
  execFileSync(join(ROOT, 'tools/debian-crate-corpus.sh'), [CORPUS, '400'], { stdio: 'ignore' });
  const out = execFileSync(
    process.execPath,
    [
      join(import.meta.dirname, 'fetcher-bench.mjs'),
      CORPUS,
      String(repeat),
      values.crates,
      values['versions-per-crate'],
      values.changed,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  const { mirror, incremental } = JSON.parse(out.trim().split('\n').at(-1));
  const mibs = (r) => `${(((mirror.bytes / r.ms) * 1000) / 2 ** 20).toFixed(0)} MiB/s`;
  const speed = (r) => (mirror.curl.ms / r.ms).toFixed(2);
  console.log(
    `\nlcs-fetcher: mirror ${fmt(mirror.crates)} crates (${(mirror.bytes / 2 ** 20).toFixed(0)} MiB, the Debian corpus three times) over loopback, 8 in flight, whole process`,
  );
  const range = (r) =>
    `${(r.spread[0] / 1000).toFixed(2)}-${(r.spread.at(-1) / 1000).toFixed(2)} s`;
  row(`baseline: curl --parallel to files (${mibs(mirror.curl)})`, mirror.curl);
  row(`curl --parallel to /dev/null (${mibs(mirror.curlNull)})`, mirror.curlNull, mirror.curl);
  row(
    `one Node process, download + sha256 only, nothing stored (${mibs(mirror.ceiling)}, ${speed(mirror.ceiling)}x)`,
    mirror.ceiling,
    mirror.curl,
  );
  row(
    `one Node process, download + sha256 + the same files as curl, no fdatasync (${mibs(mirror.written)}, ${speed(mirror.written)}x)`,
    mirror.written,
    mirror.curl,
  );
  row(
    `lcs-fetcher sync -> filesystem store (${mibs(mirror.fs)}, ${speed(mirror.fs)}x)`,
    mirror.fs,
    mirror.curl,
    {
      text: 'throughput >= 0.8x curl',
      ok: (r) => mirror.curl.ms / r.ms >= 0.8,
    },
  );
  row(
    `lcs-fetcher sync -> S3, s3rver (${mibs(mirror.s3)}, ${speed(mirror.s3)}x)`,
    mirror.s3,
    mirror.curl,
  );
  console.log(
    `  runs (${repeat}, order turned each round): curl ${range(mirror.curl)}, Node writing the files ${range(mirror.written)}, lcs-fetcher -> filesystem ${range(mirror.fs)}`,
  );
  console.log(
    `\nlcs-fetcher: incremental run, ${fmt(incremental.summary.downloaded)} new versions (20 KB each) over ${fmt(incremental.crates)} crates / ${fmt(incremental.versions)} versions (index built in ${incremental.generatedS.toFixed(0)} s)`,
  );
  row(
    `sync from the cursor commit (${incremental.summary.mode}, ${incremental.summary.scanned_crates} files diffed)`,
    incremental.run,
  );
  const plan = incremental.fullPlan;
  row(
    `full plan: ${fmt(plan.stored)} stored keys listed, ${fmt(plan.versions)} versions scanned, ${fmt(plan.planned)} planned`,
    plan,
    undefined,
    { text: '< 300 MiB', ok: (r) => r.rssMiB < 300 },
  );
  row(
    `full plan, shard 0/8 (one pod of a sharded fill): ${fmt(plan.shard.stored)} keys kept, ${fmt(plan.shard.versions)} versions scanned`,
    plan.shard,
    plan,
    { text: '< 300 MiB', ok: (r) => r.rssMiB < 300 },
  );
  const http = incremental.http;
  console.log(
    `\nlcs-fetcher: that index over smart HTTP (git http-backend on loopback), whole process`,
  );
  row('first clone into an empty cache (git, shallow, bare)', http.clone, undefined, {
    text: '< 60 s, < 512 MiB',
    ok: (r) => r.ms < 60_000 && r.rssMiB < 512,
  });
  if (http.isoClone.error)
    console.log(`  first clone, isomorphic-git fallback: failed: ${http.isoClone.error}`);
  else row('first clone, isomorphic-git fallback', http.isoClone, http.clone);
  row(
    `incremental fetch of the second commit (${fmt(incremental.changedFiles)} files)`,
    http.fetch,
    undefined,
    {
      text: '< 10 s, < 300 MiB',
      ok: (r) => r.ms < 10_000 && r.rssMiB < 300,
    },
  );
  row(
    `incremental sync --index http://... (${fmt(http.sync.summary.downloaded)} downloads)`,
    http.sync,
    undefined,
    { text: '< 30 s', ok: (r) => r.ms < 30_000 },
  );
}

function backfillerBench() {
  execFileSync(join(ROOT, 'tools/debian-crate-corpus.sh'), [CORPUS, '400'], { stdio: 'ignore' });
  const out = execFileSync(
    process.execPath,
    [join(import.meta.dirname, 'backfiller-bench.mjs'), CORPUS, String(repeat)],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    },
  );
  const result = JSON.parse(out.trim().split('\n').at(-1));
  const rate = (r) => Math.round((1000 * r.summary.processed) / r.ms);
  const goal = { text: '>= 400 crates/s, < 300 MiB', ok: (r) => rate(r) >= 400 && r.rssMiB < 300 };
  console.log(
    `\nais-backfiller: first backfill of ${fmt(result.versions)} real crates (Debian corpus), whole process incl. the commit (${availableParallelism()} cores; crates read on the main thread by default)`,
  );
  row(`from the filesystem store (${rate(result.fs)} crates/s)`, result.fs, undefined, goal);
  row(`from S3, s3rver (${rate(result.s3)} crates/s)`, result.s3, result.fs, goal);
  row(
    `from the filesystem store, --parse-threads 2 (${rate(result.workers)} crates/s)`,
    result.workers,
    result.fs,
  );
  row(
    `a crate field added to that index (${rate(result.field)} crates/s, ${result.field.summary.crates_read} crates read)`,
    result.field,
    result.fs,
    {
      text: '>= the first backfill, in crates/s',
      ok: (r) => rate(r) >= rate(result.fs),
    },
  );

  const scale = JSON.parse(
    execFileSync(
      process.execPath,
      [
        join(import.meta.dirname, 'backfiller-scale-bench.mjs'),
        CORPUS,
        values.crates,
        values['versions-per-crate'],
        String(repeat),
      ],
      { encoding: 'utf8', maxBuffer: 1 << 26 },
    )
      .trim()
      .split('\n')
      .at(-1),
  );
  const rss = { text: '< 300 MiB', ok: (r) => r.rssMiB < 300 };
  console.log(
    `\nais-backfiller at scale: ${fmt(scale.newVersions)} new versions over ${fmt(scale.crates)} crates / ${fmt(scale.versions)} versions (pair generated in ${scale.generatedS.toFixed(0)} s), whole process`,
  );
  row('baseline: the same new versions over a small index', scale.small, undefined, rss);
  row('over the crates.io-sized index', scale.big, scale.small, {
    text: '<= 1.5x, < 300 MiB',
    ok: (r) => r.ms <= 1.5 * scale.small.ms && r.rssMiB < 300,
  });
  row('nothing to do at that size', scale.idle, scale.small, {
    text: '< 5 s, < 300 MiB',
    ok: (r) => r.ms < 5000 && r.rssMiB < 300,
  });
  row(
    `an index-only field added to every line (${fmt(scale.field.summary.processed)} lines, ${scale.field.summary.crates_read} crates read)`,
    scale.field,
    scale.small,
    { text: '< 60 s, < 300 MiB', ok: (r) => r.ms < 60_000 && r.rssMiB < 300 },
  );
  row('the same field again: nothing to do', scale.fieldIdle, scale.idle, {
    text: '<= 1.5x the no-op run, < 300 MiB',
    ok: (r) => r.ms <= 1.5 * scale.idle.ms && r.rssMiB < 300,
  });
  row('first run from a fresh clone over smart HTTP, with push', scale.clone, scale.big, {
    text: '< 60 s beyond the backfill, < 300 MiB',
    ok: (r) => r.ms - scale.big.ms < 60_000 && r.rssMiB < 300,
  });
}

/** Times an external command (median of `repeat` runs). */
function measureCommand(command) {
  const times = [];
  for (let i = 0; i < repeat; i++) {
    const started = performance.now();
    execFileSync(command[0], command.slice(1), { stdio: 'ignore' });
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], rssMiB: 0 };
}

/**
 * The snapshot reader on the generated crates.io-sized index: the versions of 1,000 random crates
 * at the newest snapshot, and the changes between two snapshots 1,000 files apart; each against git
 * reading the same files (the floor).
 */
async function snapshotBench() {
  const SNAPSHOT_WORKER = join(import.meta.dirname, 'snapshot-worker.mjs');
  const gitdir = join(tmp, 'snapshot-index.git');
  const index = await generateGitIndex(gitdir, {
    crates: Number(values.crates),
    versionsPerCrate: Number(values['versions-per-crate']),
    changed: 1000,
  });
  const { FileMetadataStore, FsCrateStore } = await import('../../libs/crate-store/dist/index.js');
  const { SnapshotHistory } = await import('../../libs/snapshot/dist/history/index.js');
  const meta = join(tmp, 'snapshot-meta');
  const store = join(tmp, 'snapshot-store');
  const history = new SnapshotHistory({
    metadata: new FileMetadataStore(meta),
    objects: new FsCrateStore(store),
  });
  const at = (s) => new Date(1_700_000_000_000 + s * 1000).toISOString();
  for (const [i, commit] of [index.first, index.second].entries())
    await history.record({ commit, committedAt: at(i), mirroredAt: at(i + 60), missing: 0 });
  // 1,000 crates picked at random (seeded) from the newest commit's files.
  const paths = execFileSync(
    'git',
    ['--git-dir', gitdir, 'ls-tree', '-r', '--name-only', 'master'],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    },
  )
    .trim()
    .split('\n')
    .filter((p) => p.includes('/'));
  let seed = 7;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const names = Array.from({ length: 1000 }, () =>
    paths[Math.floor(random() * paths.length)].split('/').at(-1),
  );
  const namesFile = join(tmp, 'snapshot-names.txt');
  writeFileSync(namesFile, `${names.join('\n')}\n`);
  const args = (mode) => [mode, gitdir, meta, store, namesFile];
  const command = [process.execPath, SNAPSHOT_WORKER];
  execFileSync(process.execPath, [SNAPSHOT_WORKER, ...args('populate')], { stdio: 'ignore' });
  const readBase = measure(args('read-baseline'), repeat, command);
  const versions = measure(args('versions'), repeat, command);
  const diffBase = measure(args('diff-baseline'), repeat, command);
  const changes = measure(args('changes'), repeat, command);
  const rss = { text: 'peak RSS < 300 MiB', ok: (r) => r.rssMiB < 300 };
  console.log(
    `\nsnapshot: generated index of ${fmt(index.crates)} crates, ${fmt(index.versions)} versions; store checks are real stats on a filesystem store holding 9 in 10 of the versions asked`,
  );
  row('baseline: git cat-file of the 1,000 crate files', readBase);
  row(
    `versions of 1,000 random crates, 8 at once (${fmt(versions.versions)} versions)`,
    versions,
    readBase,
    rss,
  );
  row(`baseline: git diff-tree + cat-file (${fmt(diffBase.files)} files)`, diffBase);
  row(`changes between two snapshots (${fmt(changes.changes)} changes)`, changes, diffBase, rss);
}

const tmp = mkdtempSync(join(tmpdir(), 'lcs-bench-'));
try {
  if (!values.only || values.only === 'index-reader') await indexReaderBench();
  if (!values.only || values.only === 'cargo-manifest') cargoManifestBench();
  if (!values.only || values.only === 'crate-store') await crateStoreBench();
  if (!values.only || values.only === 'metrics') metricsBench();
  if (!values.only || values.only === 'fetcher') fetcherBench();
  if (!values.only || values.only === 'verify') await verifyBench();
  if (!values.only || values.only === 'backfiller') backfillerBench();
  if (!values.only || values.only === 'snapshot') await snapshotBench();
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
