// One measurement in its own process, so peak RSS belongs to it alone. Prints one JSON line.
// Usage: node index-scan-worker.mjs <mode> <gitdir> [args...]
//   baseline <gitdir> <rev>             git ls-tree -r + git cat-file --batch, bytes counted in Node
//   raw      <gitdir> <rev> <backend>   GitIndexSource.files(): every crate file read, not parsed
//   parsed   <gitdir> <rev> <backend>   scanIndex(): every line JSON-parsed and zod-validated
//   json     <gitdir> <rev>             files() + JSON.parse of every line, no zod (cost breakdown)
//   diff     <gitdir> <from> <to> <backend>
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { diffIndex, GitIndexSource, scanIndex } from '@lcs/index-reader';

const [mode, gitdir, a, b, c] = process.argv.slice(2);
const started = performance.now();
const result = {};

async function baseline(rev) {
  const cat = spawn('git', ['--git-dir', gitdir, 'cat-file', '--batch'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let bytes = 0;
  cat.stdout.on('data', (chunk) => (bytes += chunk.length));
  const done = new Promise((resolve) => cat.on('close', resolve));
  const ls = spawn('git', ['--git-dir', gitdir, 'ls-tree', '-r', rev], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let files = 0;
  for await (const line of createInterface({ input: ls.stdout })) {
    const tab = line.indexOf('\t');
    const path = line.slice(tab + 1);
    if (!path.includes('/') || path.startsWith('.')) continue;
    files++;
    if (!cat.stdin.write(`${line.slice(12, 52)}\n`))
      await new Promise((r) => cat.stdin.once('drain', r));
  }
  cat.stdin.end();
  await done;
  Object.assign(result, { files, bytes });
}

if (mode === 'baseline') await baseline(a);
else if (mode === 'raw' || mode === 'json') {
  const source = await GitIndexSource.open(gitdir, { rev: a, backend: b ?? 'git' });
  let files = 0;
  let bytes = 0;
  let lines = 0;
  for await (const file of source.files()) {
    files++;
    bytes += file.content.length;
    if (mode === 'json')
      for (const line of file.content.toString('utf8').split('\n'))
        if (line) (JSON.parse(line), lines++);
  }
  await source.close();
  Object.assign(result, { files, bytes, ...(mode === 'json' ? { versions: lines } : {}) });
} else if (mode === 'parsed') {
  const source = await GitIndexSource.open(gitdir, { rev: a, backend: b });
  let files = 0;
  let versions = 0;
  let errors = 0;
  for await (const file of scanIndex(source)) {
    files++;
    versions += file.entries.length;
    errors += file.errors.length;
  }
  await source.close();
  Object.assign(result, { files, versions, errors });
} else if (mode === 'diff') {
  const source = await GitIndexSource.open(gitdir, { rev: b, backend: c });
  let files = 0;
  const kinds = {};
  for await (const d of diffIndex(source.store, a, b)) {
    files++;
    for (const change of d.changes) kinds[change.kind] = (kinds[change.kind] ?? 0) + 1;
  }
  await source.close();
  Object.assign(result, { files, kinds });
} else {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
result.ms = Math.round(performance.now() - started);
result.rssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
console.log(JSON.stringify(result));
