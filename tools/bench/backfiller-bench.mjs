// ais-backfiller benchmark, in its own process (the simulator shares it, so children run
// asynchronously). Mirrors the Debian corpus (400 real crates) with lcs-fetcher into a filesystem store and into S3 (s3rver), then times `ais-backfiller run`
// over each, whole process, with peak RSS. Prints one JSON line.
// Usage: node backfiller-bench.mjs <corpus-dir> <repeat>
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startRegistrySimulator, startS3rver } from '../test-servers/index.mjs';

const FETCHER = resolve(import.meta.dirname, '../../apps/fetcher/dist/main.js');
const BACKFILLER = resolve(import.meta.dirname, '../../apps/backfiller/dist/main.js');
const [corpus, repeatArg] = process.argv.slice(2);
const tmp = mkdtempSync(join(tmpdir(), 'ais-bench-'));

function timed(args, env = {}) {
  return new Promise((res, rej) => {
    const started = performance.now();
    const child = spawn('/usr/bin/time', ['-f', 'maxrss=%M', process.execPath, ...args], {
      cwd: tmp,
      env: { ...process.env, NODE_NO_WARNINGS: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => {
      if (code !== 0 && code !== 1)
        return rej(new Error(`${args.join(' ')} exited ${code}: ${stderr.slice(-2000)}`));
      const rss = /maxrss=(\d+)/.exec(stderr);
      res({
        ms: performance.now() - started,
        rssMiB: rss ? Math.round(Number(rss[1]) / 1024) : 0,
        stdout,
      });
    });
  });
}

const sim = await startRegistrySimulator({ crates: 0 });
const s3 = await startS3rver({ buckets: ['crates'] });
const s3env = {
  AWS_ENDPOINT_URL_S3: s3.endpoint,
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
};
try {
  for (const file of readdirSync(corpus)
    .filter((f) => f.endsWith('.crate'))
    .sort()) {
    const [, name, version] = /^(.*)-(\d+\.\d+\.\d+.*)\.crate$/.exec(file);
    const data = readFileSync(join(corpus, file));
    await sim.publish(name, version, { bytes: data, commit: false });
  }
  sim.commit('corpus');
  await timed([
    FETCHER,
    'sync',
    '--index',
    sim.indexPath,
    '--store',
    join(tmp, 'store'),
    '--metadata',
    join(tmp, 'meta-fs'),
  ]);
  await timed(
    [
      FETCHER,
      'sync',
      '--index',
      sim.indexPath,
      '--store',
      's3://crates/bench',
      '--metadata',
      join(tmp, 'meta-s3'),
    ],
    s3env,
  );
  const runs = { fs: [], s3: [] };
  for (let r = 0; r < Number(repeatArg); r++) {
    for (const [kind, store, env] of [
      ['fs', join(tmp, 'store'), {}],
      ['s3', 's3://crates/bench', s3env],
    ]) {
      const out = await timed(
        [
          BACKFILLER,
          'run',
          '--original-index',
          sim.indexPath,
          '--augmented-index',
          join(tmp, `aug-${kind}-${r}`),
          '--store',
          store,
          '--metadata',
          join(tmp, `lock-${kind}-${r}`),
          '--json',
        ],
        env,
      );
      runs[kind].push({
        ms: out.ms,
        rssMiB: out.rssMiB,
        summary: JSON.parse(out.stdout.trim().split('\n').at(-1)),
      });
    }
  }
  const median = (list) => [...list].sort((a, b) => a.ms - b.ms)[Math.floor(list.length / 2)];
  console.log(
    JSON.stringify({ versions: sim.published.size, fs: median(runs.fs), s3: median(runs.s3) }),
  );
} finally {
  await s3.stop();
  await sim.stop();
  rmSync(tmp, { recursive: true, force: true });
}
