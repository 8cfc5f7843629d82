// lcs-fetcher benchmark, in its own process (the registry simulator and the servers share it, so
// every child runs asynchronously). Prints one JSON line with every measurement.
// Usage: node fetcher-bench.mjs <corpus-dir> <repeat> <crates> <versions-per-crate> <changed>
//   1. mirror the corpus over loopback: `curl --parallel` (baseline) vs lcs-fetcher into the
//      filesystem store vs lcs-fetcher into S3 (s3rver), same URLs, 8 in flight; curl to /dev/null;
//      one Node process that downloads and hashes (http-ceiling-worker.mjs), storing nothing and
//      writing the same files as curl;
//   2. an incremental run: <changed> new versions over a generated index of <crates> crates;
//   3. the full plan over that index against a store listing of all but <changed> of its versions;
//   4. that index over smart HTTP (git http-backend): first clone into an empty cache (git, and the
//      isomorphic-git fallback), the incremental fetch of the second commit, and an incremental
//      `sync --index http://...` end to end.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { startGitServer, startRegistrySimulator, startS3rver } from '../test-servers/index.mjs';
import { generateGitIndex } from './generate-git-index.mjs';
import { timed } from './timed.mjs';

const MAIN = resolve(import.meta.dirname, '../../apps/fetcher/dist/main.js');
const FETCH = resolve(import.meta.dirname, 'index-fetch-worker.mjs');
const FULL_PLAN = resolve(import.meta.dirname, 'full-plan-worker.mjs');
const CEILING = resolve(import.meta.dirname, 'http-ceiling-worker.mjs');
const [corpus, repeatArg, cratesArg, perCrateArg, changedArg] = process.argv.slice(2);
const repeat = Number(repeatArg);
const tmp = mkdtempSync(join(tmpdir(), 'lcs-fetcher-bench-'));

const median = (runs) => [...runs].sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)];

async function mirrorBench() {
  const sim = await startRegistrySimulator({ crates: 0 });
  const s3 = await startS3rver({ buckets: ['crates'] });
  try {
    const files = readdirSync(corpus)
      .filter((f) => f.endsWith('.crate'))
      .sort();
    let bytes = 0;
    // Each corpus crate three times (as pre-release versions), so the run is long enough for
    // process start-up not to dominate.
    for (const file of files) {
      const [, name, version] = /^(.*)-(\d+\.\d+\.\d+.*)\.crate$/.exec(file);
      const data = readFileSync(join(corpus, file));
      for (const copy of ['', '-bench.1', '-bench.2']) {
        bytes += data.length;
        await sim.publish(name, `${version}${copy}`, { bytes: data, commit: false });
      }
    }
    sim.commit('corpus');
    const ids = [...sim.published.values()];
    const url = (c) => `${sim.dlBase}/${c.name}/${c.name}-${c.version}.crate`;
    const downloads = join(tmp, 'downloads.json');
    const path = (c) => `crates/${c.name}/${c.name}-${c.version}.crate`;
    writeFileSync(
      downloads,
      JSON.stringify(ids.map((c) => ({ url: url(c), cksum: c.cksum, path: path(c) }))),
    );
    const syncArgs = (store, name) => [
      'sync',
      '--index',
      sim.indexPath,
      '--concurrency',
      '8',
      '--store',
      store,
      '--metadata',
      join(tmp, `${name}/meta`),
      '--no-per-crate-metrics',
    ];
    // curl over every download, each written where `output` says, from a config file `name`.
    const curlRun = (name, output, ...flags) => {
      const config = join(tmp, `${name}.cfg`);
      writeFileSync(
        config,
        ids.map((c) => `url = "${url(c)}"\noutput = "${output(c)}"\n`).join(''),
      );
      return timed('curl', [
        '--parallel',
        '--parallel-max',
        '8',
        ...flags,
        '--fail',
        '-s',
        '-K',
        config,
      ]);
    };
    const nodeRun = (...outDir) => timed(process.execPath, [CEILING, downloads, '8', ...outDir]);
    const runs = {
      // The same files in the store's layout (crates/{name}/{name}-{version}.crate): the same
      // directories and files to create, so the two differ only by what lcs-fetcher adds.
      curl: (r) => curlRun(`curl-${r}`, (c) => join(tmp, `curl-${r}`, path(c)), '--create-dirs'),
      // What curl's files cost it: the same downloads to /dev/null.
      curlNull: () => curlRun('curl-null', () => '/dev/null'),
      ceiling: () => nodeRun(),
      written: (r) => nodeRun(join(tmp, `written-${r}`)),
      fs: (r) =>
        timed(process.execPath, [MAIN, ...syncArgs(join(tmp, `fs-${r}/store`), `fs-${r}`)]),
      s3: (r) =>
        timed(process.execPath, [MAIN, ...syncArgs(`s3://crates/run-${r}`, `s3-${r}`)], {
          env: {
            AWS_ENDPOINT_URL_S3: s3.endpoint,
            AWS_REGION: 'us-east-1',
            AWS_ACCESS_KEY_ID: 'S3RVER',
            AWS_SECRET_ACCESS_KEY: 'S3RVER',
          },
        }),
    };
    // The order turns each round (what runs right after another's writes finds the disk busier),
    // and the page cache is flushed before each run, so no run pays for the previous one's writes.
    const order = ['curl', 'fs', 'ceiling', 'written', 'curlNull', 's3'];
    const results = Object.fromEntries(order.map((name) => [name, []]));
    for (let r = 0; r < repeat; r++) {
      for (let i = 0; i < order.length; i++) {
        const name = order[(i + r) % order.length];
        execFileSync('sync');
        results[name].push(await runs[name](r));
      }
    }
    const spread = (list) => list.map((x) => x.ms).sort((a, b) => a - b);
    return {
      crates: ids.length,
      bytes,
      curl: { ...median(results.curl), spread: spread(results.curl) },
      curlNull: median(results.curlNull),
      ceiling: median(results.ceiling),
      written: { ...median(results.written), spread: spread(results.written) },
      fs: { ...median(results.fs), spread: spread(results.fs) },
      s3: median(results.s3),
    };
  } finally {
    await s3.stop();
    await sim.stop();
  }
}

async function incrementalBench() {
  const served = new Map();
  const server = createServer((req, res) => {
    const body = served.get(req.url);
    if (!body) return res.writeHead(404).end();
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const dl = `http://127.0.0.1:${server.address().port}/dl/{crate}/{crate}-{version}.crate`;
  try {
    const gitdir = join(tmp, 'big.git');
    const started = performance.now();
    const index = await generateGitIndex(gitdir, {
      crates: Number(cratesArg),
      versionsPerCrate: Number(perCrateArg),
      changed: Number(changedArg),
      dl,
      addVersion: (name) => {
        const bytes = randomBytes(20_000);
        served.set(`/dl/${name}/${name}-99.0.0.crate`, bytes);
        return {
          name,
          vers: '99.0.0',
          deps: [],
          cksum: createHash('sha256').update(bytes).digest('hex'),
          features: {},
          yanked: false,
        };
      },
    });
    const generatedS = (performance.now() - started) / 1000;
    // The previous run synced the first commit: its cursor is all the state an incremental run needs.
    const meta = join(tmp, 'big-meta');
    mkdirSync(join(meta, 'keys/fetcher'), { recursive: true });
    writeFileSync(
      join(meta, 'keys/fetcher/cursor.value'),
      JSON.stringify({ commit: index.first, syncedAt: new Date().toISOString() }),
    );
    const run = await timed(process.execPath, [
      MAIN,
      'sync',
      '--index',
      gitdir,
      '--store',
      join(tmp, 'big-store'),
      '--metadata',
      meta,
      '--concurrency',
      '8',
      '--json',
    ]);
    const summary = JSON.parse(run.stdout.trim().split('\n').at(-1));
    const plan = await timed(process.execPath, [
      FULL_PLAN,
      gitdir,
      cratesArg,
      perCrateArg,
      changedArg,
    ]);
    const fullPlan = { ...JSON.parse(plan.stdout.trim()), ms: plan.ms, rssMiB: plan.rssMiB };
    // One pod of an 8-shard first fill: an eighth of the keys kept, an eighth of the files read.
    const shardPlan = await timed(process.execPath, [
      FULL_PLAN,
      gitdir,
      cratesArg,
      perCrateArg,
      changedArg,
      '0/8',
    ]);
    fullPlan.shard = {
      ...JSON.parse(shardPlan.stdout.trim()),
      ms: shardPlan.ms,
      rssMiB: shardPlan.rssMiB,
    };
    const http = await httpBench(gitdir, index, meta);
    return {
      ...index,
      generatedS,
      run: { ms: run.ms, rssMiB: run.rssMiB },
      summary,
      fullPlan,
      http,
    };
  } finally {
    server.close();
  }
}

/** The generated index served over smart HTTP: clone, incremental fetch, incremental sync. */
async function httpBench(gitdir, index, meta) {
  const root = join(tmp, 'served');
  const served = join(root, 'index.git');
  execFileSync('git', ['init', '-q', '--bare', served]);
  const publish = (commit) =>
    execFileSync('git', [
      '--git-dir',
      gitdir,
      'push',
      '-q',
      '--force',
      served,
      `${commit}:refs/heads/master`,
    ]);
  publish(index.first);
  const server = await startGitServer(root);
  const url = `${server.endpoint}/index.git`;
  const fetchOnce = async (cache, backend) => {
    const out = await timed(process.execPath, [FETCH, url, cache, backend]);
    return { ms: out.ms, rssMiB: out.rssMiB };
  };
  try {
    const clone = await fetchOnce(join(tmp, 'cache-git'), 'git');
    const isoClone = await fetchOnce(join(tmp, 'cache-iso'), 'isomorphic-git').catch((error) => ({
      error: String(error.message).slice(0, 300),
    }));
    execFileSync('cp', ['-a', join(tmp, 'cache-git'), join(tmp, 'cache-sync')]);
    publish(index.second);
    const fetch = await fetchOnce(join(tmp, 'cache-git'), 'git');
    // The store already holds the new versions from the local run: start from an empty one.
    writeFileSync(
      join(meta, 'keys/fetcher/cursor.value'),
      JSON.stringify({ commit: index.first, syncedAt: new Date().toISOString() }),
    );
    const sync = await timed(process.execPath, [
      MAIN,
      'sync',
      '--index',
      url,
      '--index-dir',
      join(tmp, 'cache-sync'),
      '--store',
      join(tmp, 'http-store'),
      '--metadata',
      meta,
      '--json',
    ]);
    const summary = JSON.parse(sync.stdout.trim().split('\n').at(-1));
    return { clone, isoClone, fetch, sync: { ms: sync.ms, rssMiB: sync.rssMiB, summary } };
  } finally {
    await server.stop();
  }
}

try {
  const mirror = await mirrorBench();
  const incremental = await incrementalBench();
  console.log(JSON.stringify({ mirror, incremental }));
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
