// One metrics measurement in its own process. Prints one JSON line {ms, rssMiB, bytes, ...}.
// Usage: node metrics-worker.mjs <mode> <crates>
//   bounded   per-crate gauge off: index totals only, then one exposition
//   per-crate index_crate_version_count set for <crates> crates, then one exposition
//   update    per-crate gauge with <crates> crates, then 1,000 changed crates re-set (timed alone)
import { FetcherMetrics, MetricsRegistry } from '@lcs/metrics';

const [mode, cratesArg] = process.argv.slice(2);
const crates = Number(cratesArg);
const registry = new MetricsRegistry();
const metrics = new FetcherMetrics(registry, { perCrateVersions: mode !== 'bounded' });
const names = Array.from({ length: crates }, (_, i) => `crate-name-${i}`);
let started = performance.now();
let setMs = 0;
if (mode === 'update') {
  for (const [i, name] of names.entries()) metrics.crateVersions(name, i % 50);
  started = performance.now();
  for (let i = 0; i < 1000; i++) metrics.crateVersions(names[(i * 7919) % crates], 51);
  setMs = performance.now() - started;
  started = performance.now();
} else {
  if (mode === 'per-crate')
    for (const [i, name] of names.entries()) metrics.crateVersions(name, i % 50);
  metrics.indexTotals(crates, crates * 10);
  setMs = performance.now() - started;
}
const text = await registry.exposition();
const exposeMs = performance.now() - started;
console.log(
  JSON.stringify({
    ms: mode === 'update' ? setMs : setMs + exposeMs,
    setMs,
    exposeMs,
    bytes: Buffer.byteLength(text),
    rssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
