#!/usr/bin/env node
// `npm run bench`: speed and memory, each compared with a baseline measured in the same run.
// Every measurement runs in its own process (peak RSS is its own). Options:
//   --crates N            size of the generated index (default 200000, crates.io's size)
//   --versions-per-crate N  (default 10: 2 million versions)
//   --changed N           files changed between the two generated commits (default 1000)
//   --repeat N            runs per fast measurement, the median is shown (default 3)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateGitIndex } from './generate-git-index.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const WORKER = join(import.meta.dirname, 'index-scan-worker.mjs');
const BUNDLE = resolve(ROOT, '../shared/data/crates.io-index-2019-11-10.bundle');
const { values } = parseArgs({
  options: {
    crates: { type: 'string', default: '200000' },
    'versions-per-crate': { type: 'string', default: '10' },
    changed: { type: 'string', default: '1000' },
    repeat: { type: 'string', default: '3' },
  },
});
const repeat = Number(values.repeat);

function measure(args, runs = repeat) {
  const results = [];
  for (let i = 0; i < runs; i++) {
    results.push(
      JSON.parse(
        execFileSync(process.execPath, [WORKER, ...args], {
          encoding: 'utf8',
          maxBuffer: 1 << 24,
        }).trim(),
      ),
    );
  }
  results.sort((x, y) => x.ms - y.ms);
  const median = results[Math.floor(results.length / 2)];
  return { ...median, rssMiB: Math.max(...results.map((r) => r.rssMiB)), runs };
}

const fmt = (n) => n.toLocaleString('en-US');
const secs = (ms) => `${(ms / 1000).toFixed(2)} s`.padStart(9);
function row(label, r, base, goal) {
  const ratio = base ? `${(r.ms / base.ms).toFixed(2)}x`.padStart(7) : '';
  const verdict = goal ? `  goal ${goal.text}: ${goal.ok(r) ? 'met' : 'NOT met'}` : '';
  console.log(
    `  ${label.padEnd(52)} ${secs(r.ms)} ${ratio}  rss ${String(r.rssMiB).padStart(4)} MiB${verdict}`,
  );
}

const tmp = mkdtempSync(join(tmpdir(), 'lcs-bench-'));
try {
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
  const diffBase = measure(['baseline', gen, g.second], 1); // for scale: what a full read costs
  console.log(
    `\ndiff of two commits, ${fmt(g.changedFiles)} crate files changed (${JSON.stringify(diff.kinds)})`,
  );
  row('full read of the new commit (baseline, for scale)', diffBase);
  row('diffIndex (git backend)', diff, diffBase, { text: '< 1 s', ok: (r) => r.ms < 1000 });
  row('diffIndex (isomorphic-git backend)', diffIso, diffBase);
  if (diff.files !== g.changedFiles)
    throw new Error(`diff found ${diff.files} files, expected ${g.changedFiles}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
