// The fetcher's full plan at crates.io's size, as its own process: a store listing of every version
// of the generated index but `missing` of them (a fake store that lists from the generator, so no
// 2 M files are needed on disk), the set of stored keys built from it, then `planFull` over the
// index at its first commit. Prints ms, peak RSS and what was planned.
// With a shard `I/N`, only that shard's keys are kept and only its index files read, as one pod of
// a sharded first fill does.
// Usage: node full-plan-worker.mjs <gitdir> <crates> <versions-per-crate> <missing> [I/N]
import { GitIndexSource } from '../../libs/index-reader/dist/index.js';
import { inShard, parseShard, pathInShard } from '../../libs/mirror/dist/shard/index.js';
import { newPlanReport, planFull, storedSet } from '../../libs/mirror/dist/sync/sync-plan.js';
import { generateIndex } from '../fixture-index.mjs';

const [gitdir, crates, perCrate, missingArg, shardArg] = process.argv.slice(2);
const shard = shardArg ? parseShard(shardArg) : undefined;
const missing = Number(missingArg);
const options = {
  crates: Number(crates),
  versionsPerCrate: Number(perCrate),
  seed: 11,
  sorted: true,
};
// Every `every`-th version is not stored: about `missing` in all.
const every = Math.max(1, Math.round((options.crates * options.versionsPerCrate) / missing));
const store = {
  async *list() {
    let i = 0;
    for (const { name, lines } of generateIndex(options)) {
      for (const line of lines) {
        if (i++ % every === 0) continue;
        const vers = /"vers":"([^"]+)"/.exec(line)[1];
        yield { name, version: vers, key: `crates/${name}/${name}-${vers}.crate`, size: 1 };
      }
    }
  },
};
const started = performance.now();
const stored = await storedSet(store, undefined, (name) => inShard(name, shard));
const listedMs = performance.now() - started;
const source = await GitIndexSource.open(gitdir, { rev: 'master~1' });
const report = newPlanReport();
let planned = 0;
const scan = shard ? { filter: (path) => pathInShard(path, shard) } : {};
for await (const item of planFull(source, stored, report, undefined, new Set(), scan))
  if (item) planned++;
await source.close();
console.log(
  JSON.stringify({
    ms: performance.now() - started,
    listedMs,
    stored: stored.size,
    planned,
    versions: report.scannedVersions,
    selfRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
