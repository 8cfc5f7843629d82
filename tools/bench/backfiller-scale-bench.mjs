// ais-backfiller at crates.io's size, whole process with peak RSS. Generates (git fast-import, no
// work tree) an original index of `crates` crates x ~`versionsPerCrate` versions and, on a second
// commit, the real crates of the Debian corpus newly published; an augmented index complete for the
// first commit (one schema-1 line per version); and the same new crates over a small original
// (only them). Then times, each on a fresh copy of the augmented repository:
//   small    the new versions over the small index (the baseline)
//   big      the same new versions over the big index
//   idle     the big run again: nothing to do
//   field    an index-only field added (--fields-module) to the complete big index: every line
//            rewritten with that field, no crate read
//   fieldIdle the same field again: nothing to do
//   clone    a first run from a fresh clone over smart HTTP (git http-backend), pushing its commit
// Prints one JSON line. Usage: node backfiller-scale-bench.mjs <corpus-dir> <crates> <versions-per-crate>
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fixturePath, generateIndex } from '../fixture-index.mjs';
import { startGitServer } from '../test-servers/index.mjs';
import { fastImport } from './generate-git-index.mjs';
import { timed } from './timed.mjs';

const BACKFILLER = resolve(import.meta.dirname, '../../apps/backfiller/dist/main.js');
const FORMAT = 'https://github.com/example/lcs#augmented-index';
const [corpus, cratesArg, perCrateArg, repeatArg = '3'] = process.argv.slice(2);
const repeat = Number(repeatArg);
const tmp = mkdtempSync(join(tmpdir(), 'ais-scale-'));
const ident = 'bench <bench@example.com> 1700000000 +0000';

function importer(gitdir) {
  execFileSync('git', ['init', '-q', '--bare', '--initial-branch=master', gitdir]);
  const { write, end } = fastImport(gitdir);
  const file = (path, body) =>
    write(`M 100644 inline ${path}\ndata ${Buffer.byteLength(body)}\n${body}\n`);
  const commit = async (mark, message, from) => {
    await write(
      `commit refs/heads/master\nmark :${mark}\ncommitter ${ident}\ndata ${Buffer.byteLength(message)}\n${message}\n`,
    );
    if (from) await write(`from :${from}\n`);
  };
  return { file, commit, end: async () => (await write('done\n'), end()) };
}

const rev = (gitdir, r) =>
  execFileSync('git', ['--git-dir', gitdir, 'rev-parse', r], { encoding: 'utf8' }).trim();

/** The corpus as new versions: index lines, augmented store files. */
function corpusCrates() {
  const out = [];
  const paths = new Set();
  for (const file of readdirSync(corpus)
    .filter((f) => f.endsWith('.crate'))
    .sort()) {
    const [, name, version] = /^(.*)-(\d+\.\d+\.\d+.*)\.crate$/.exec(file) ?? [];
    if (!name || paths.has(fixturePath(name))) continue;
    paths.add(fixturePath(name));
    const bytes = readFileSync(join(corpus, file));
    const cksum = createHash('sha256').update(bytes).digest('hex');
    out.push({ name, version, bytes, cksum, path: fixturePath(name) });
  }
  return out;
}

const indexLine = (c) =>
  `${JSON.stringify({ name: c.name, vers: c.version, deps: [], cksum: c.cksum, features: {}, yanked: false })}\n`;

const crates = corpusCrates();
const newPaths = new Set(crates.map((c) => c.path));
const options = {
  crates: Number(cratesArg),
  versionsPerCrate: Number(perCrateArg),
  seed: 11,
  sorted: true,
};
const started = performance.now();

// The original indexes: big (generated, then the corpus published) and small (only the corpus).
const big = join(tmp, 'original-big.git');
const small = join(tmp, 'original-small.git');
let versions = 0;
{
  const fi = importer(big);
  await fi.commit(1, 'generated');
  for (const { path, lines } of generateIndex(options)) {
    if (newPaths.has(path)) continue;
    versions += lines.length;
    await fi.file(path, `${lines.join('\n')}\n`);
  }
  await fi.file('config.json', '{"dl":"https://crates.io/api/v1/crates"}\n');
  await fi.commit(2, 'publish the corpus', 1);
  for (const c of crates) await fi.file(c.path, indexLine(c));
  await fi.end();
  const fs = importer(small);
  await fs.commit(1, 'empty');
  await fs.file('config.json', '{"dl":"https://crates.io/api/v1/crates"}\n');
  await fs.commit(2, 'publish the corpus', 1);
  for (const c of crates) await fs.file(c.path, indexLine(c));
  await fs.end();
}

// The augmented indexes, complete for each original's first commit.
const README = '# Augmented crates index\n';
const CONFIG = `${JSON.stringify({ schema: 1, augments: 'bench', format: FORMAT }, null, 2)}\n`;
async function augmented(gitdir, originalFirst, withGenerated) {
  const fi = importer(gitdir);
  await fi.commit(1, `ais: bench\n\nAIS-Original-Commit: ${originalFirst}\n`);
  await fi.file('README.md', README);
  await fi.file('config.json', CONFIG);
  if (withGenerated) {
    for (const { path, lines } of generateIndex(options)) {
      if (newPaths.has(path)) continue;
      const out = lines.map((l) => {
        const { name, vers, cksum } = JSON.parse(l);
        return JSON.stringify({
          name,
          vers,
          cksum,
          schema: 1,
          dev_deps: [],
          edition: '2018',
          targets: { bins: [] },
          build_script: false,
          cargo_lock: false,
        });
      });
      await fi.file(path, `${out.join('\n')}\n`);
    }
  }
  await fi.end();
}
const augBig = join(tmp, 'aug-big.git');
const augSmall = join(tmp, 'aug-small.git');
await augmented(augBig, rev(big, 'master~1'), true);
await augmented(augSmall, rev(small, 'master~1'), false);

// The store: what the fetcher mirrored.
for (const c of crates) {
  mkdirSync(join(tmp, 'store/crates', c.name), { recursive: true });
  writeFileSync(join(tmp, 'store/crates', c.name, `${c.name}-${c.version}.crate`), c.bytes);
}
const generatedS = (performance.now() - started) / 1000;

const copy = (from, name) => {
  const to = join(tmp, name);
  execFileSync('cp', ['-a', from, to]);
  return to;
};
const run = async (original, augmentedIndex, extra = []) => {
  const out = await timed(
    process.execPath,
    [
      BACKFILLER,
      'run',
      '--original-index',
      original,
      '--augmented-index',
      augmentedIndex,
      '--store',
      join(tmp, 'store'),
      '--metadata',
      join(tmp, `meta-${Math.random()}`),
      '--json',
      ...extra,
    ],
    { cwd: tmp, okCodes: [0, 1] },
  );
  return {
    ms: out.ms,
    rssMiB: out.rssMiB,
    summary: JSON.parse(out.stdout.trim().split('\n').at(-1)),
  };
};

try {
  // Small and big alternate, each on a fresh copy; the median of `repeat` runs of each.
  const smalls = [];
  const bigs = [];
  let bigCopy;
  for (let r = 0; r < repeat; r++) {
    smalls.push(await run(small, copy(augSmall, `run-small-${r}.git`)));
    bigCopy = copy(augBig, `run-big-${r}.git`);
    bigs.push(await run(big, bigCopy));
  }
  const median = (list) => [...list].sort((a, b) => a.ms - b.ms)[Math.floor(list.length / 2)];
  const smallRun = { ...median(smalls), rssMiB: Math.max(...smalls.map((x) => x.rssMiB)) };
  const bigRun = { ...median(bigs), rssMiB: Math.max(...bigs.map((x) => x.rssMiB)) };
  const idle = await run(big, bigCopy);
  // Another team's field that needs only the index line, added to the complete index.
  const fieldModule = join(tmp, 'dep-count.mjs');
  writeFileSync(
    fieldModule,
    `export default [{ name: 'dep_count', version: 1, source: 'index', generate: ({ index }) => index.deps.length }];\n`,
  );
  const field = await run(big, bigCopy, ['--fields-module', fieldModule]);
  const fieldIdle = await run(big, bigCopy, ['--fields-module', fieldModule]);
  const remotes = join(tmp, 'remotes');
  mkdirSync(remotes);
  copy(augBig, 'remotes/aug.git');
  execFileSync('git', [
    '--git-dir',
    join(remotes, 'aug.git'),
    'config',
    'http.receivepack',
    'true',
  ]);
  const server = await startGitServer(remotes);
  let clone;
  try {
    clone = await run(big, `${server.endpoint}/aug.git`, [
      '--augmented-index-dir',
      join(tmp, 'fresh-clone'),
      '--push',
    ]);
  } finally {
    await server.stop();
  }
  console.log(
    JSON.stringify({
      crates: options.crates,
      versions: versions + crates.length,
      newVersions: crates.length,
      generatedS,
      small: smallRun,
      big: bigRun,
      idle,
      field,
      fieldIdle,
      clone,
    }),
  );
} finally {
  // AIS_BENCH_KEEP=1 keeps the generated repositories for profiling.
  if (process.env.AIS_BENCH_KEEP) console.error(`kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
}
