// One cargo-manifest measurement in its own process. Prints one JSON line.
// Usage: node crate-read-worker.mjs <mode> <corpus-dir> <repeat> [concurrency]
// With concurrency > 1, that many crates are read at once (gunzip runs on libuv's thread pool).
//   full    readCrateManifest: whole archive read, manifest parsed, targets derived
//   manifest readCrateArchive with stopAtManifest + parseManifest (what the Python baseline does)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseManifest, readCrateArchive, readCrateManifest } from '@lcs/cargo-manifest';

const [mode, dir, repeat = '1', concurrency = '1'] = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.crate'))
  .sort();
const started = performance.now();
let crates = 0;
let deps = 0;
const queue = [];
for (let r = 0; r < Number(repeat); r++) queue.push(...files);
async function work() {
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    const [, name, version] = /^(.*)-(\d+\.\d+\.\d+.*)\.crate$/.exec(file);
    const bytes = readFileSync(join(dir, file));
    if (mode === 'full')
      deps += (await readCrateManifest(bytes, { name, version })).manifest.dependencies.length;
    else
      deps += parseManifest(
        (await readCrateArchive(bytes, { name, version, stopAtManifest: true })).manifest,
      ).dependencies.length;
    crates++;
  }
}
await Promise.all(Array.from({ length: Number(concurrency) }, work));
const ms = performance.now() - started;
console.log(
  JSON.stringify({
    crates,
    deps,
    ms: Math.round(ms),
    rssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
