// One cargo-manifest measurement in its own process. Prints one JSON line.
// Usage: node crate-read-worker.mjs <mode> <corpus-dir> <repeat>
//   full    readCrateManifest: whole archive read, manifest parsed, targets derived
//   manifest readCrateArchive with stopAtManifest + parseManifest (what the Python baseline does)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseManifest, readCrateArchive, readCrateManifest } from '@lcs/cargo-manifest';

const [mode, dir, repeat = '1'] = process.argv.slice(2);
const files = readdirSync(dir).filter((f) => f.endsWith('.crate')).sort();
const started = performance.now();
let crates = 0;
let deps = 0;
for (let r = 0; r < Number(repeat); r++) {
  for (const file of files) {
    const [, name, version] = /^(.*)-(\d+\.\d+\.\d+.*)\.crate$/.exec(file);
    const bytes = readFileSync(join(dir, file));
    if (mode === 'full') deps += (await readCrateManifest(bytes, { name, version })).manifest.dependencies.length;
    else deps += parseManifest((await readCrateArchive(bytes, { name, version, stopAtManifest: true })).manifest).dependencies.length;
    crates++;
  }
}
const ms = performance.now() - started;
console.log(JSON.stringify({ crates, deps, ms: Math.round(ms), rssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }));
