// ais-backfiller benchmark, in its own process (the simulator shares it, so children run
// asynchronously). Mirrors the Debian corpus (400 real crates) with lcs-fetcher into a filesystem store and into S3 (s3rver), then times `ais-backfiller run`
// over each, whole process, with peak RSS. Prints one JSON line.
// Usage: node backfiller-bench.mjs <corpus-dir> <repeat>
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startRegistrySimulator, startS3rver } from '../test-servers/index.mjs';
import { timed } from './timed.mjs';

const FETCHER = resolve(import.meta.dirname, '../../apps/fetcher/dist/main.js');
const BACKFILLER = resolve(import.meta.dirname, '../../apps/backfiller/dist/main.js');
const [corpus, repeatArg] = process.argv.slice(2);
const tmp = mkdtempSync(join(tmpdir(), 'ais-bench-'));

/** The CLIs exit 1 for a partial run; the benchmark only needs them to end. */
const run = (args, env = {}) => timed(process.execPath, args, { env, cwd: tmp, okCodes: [0, 1] });

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
  await run([
    FETCHER,
    'sync',
    '--index',
    sim.indexPath,
    '--store',
    join(tmp, 'store'),
    '--metadata',
    join(tmp, 'meta-fs'),
  ]);
  await run(
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
  // Another team's crate field, added to the complete index the fs run leaves: every crate is read
  // again for that field alone.
  const fieldModule = join(tmp, 'has-tests.mjs');
  writeFileSync(
    fieldModule,
    `export default [{ name: 'has_tests', version: 1, source: 'crate', generate: ({ files }) => files.some((f) => f.startsWith('tests/')) }];\n`,
  );
  const runs = { fs: [], s3: [], workers: [], field: [] };
  for (let r = 0; r < Number(repeatArg); r++) {
    for (const [kind, store, env, extra] of [
      ['fs', join(tmp, 'store'), {}, []],
      ['s3', 's3://crates/bench', s3env, []],
      ['workers', join(tmp, 'store'), {}, ['--parse-threads', '2']],
    ]) {
      const out = await run(
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
          ...extra,
        ],
        env,
      );
      runs[kind].push({
        ms: out.ms,
        rssMiB: out.rssMiB,
        summary: JSON.parse(out.stdout.trim().split('\n').at(-1)),
      });
    }
    const added = await run([
      BACKFILLER,
      'run',
      '--original-index',
      sim.indexPath,
      '--augmented-index',
      join(tmp, `aug-fs-${r}`),
      '--store',
      join(tmp, 'store'),
      '--metadata',
      join(tmp, `lock-field-${r}`),
      '--json',
      '--fields-module',
      fieldModule,
    ]);
    runs.field.push({
      ms: added.ms,
      rssMiB: added.rssMiB,
      summary: JSON.parse(added.stdout.trim().split('\n').at(-1)),
    });
  }
  const median = (list) => [...list].sort((a, b) => a.ms - b.ms)[Math.floor(list.length / 2)];
  console.log(
    JSON.stringify({
      versions: sim.published.size,
      fs: median(runs.fs),
      s3: median(runs.s3),
      workers: median(runs.workers),
      field: median(runs.field),
    }),
  );
} finally {
  await s3.stop();
  await sim.stop();
  rmSync(tmp, { recursive: true, force: true });
}
