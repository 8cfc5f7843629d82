#!/usr/bin/env node
// The figures of the code's shape (issue 28), read with the TypeScript compiler API: names per
// door (each `exports` entry of each package), names exported by more than one door of a package,
// the longest functions, source files per folder, and the lines of each app's `config.ts`.
// Specs and test support are left out. Run: `node tools/shape-report.mjs [--json]`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

const ROOT = join(import.meta.dirname, '..');
const packages = ['libs', 'apps'].flatMap((group) =>
  readdirSync(join(ROOT, group))
    .map((name) => join(ROOT, group, name))
    .filter((dir) => statSync(join(dir, 'package.json'), { throwIfNoEntry: false })),
);

const isSource = (path) =>
  path.endsWith('.ts') &&
  !path.endsWith('.spec.ts') &&
  !path.endsWith('.d.ts') &&
  !path.includes('/test-support/');
function sources(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(path));
    else if (isSource(path)) out.push(path);
  }
  return out;
}

const files = packages.flatMap((dir) => sources(join(dir, 'src')));
const program = ts.createProgram(files, {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  noEmit: true,
  customConditions: ['@lcs/source'],
});
const checker = program.getTypeChecker();

const doors = [];
const twice = [];
for (const dir of packages) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const seen = new Map();
  for (const [door, target] of Object.entries(pkg.exports ?? {})) {
    const source = typeof target === 'object' ? target['@lcs/source'] : undefined;
    if (!source?.endsWith('.ts')) continue;
    const file = program.getSourceFile(join(dir, source));
    const symbol = file && checker.getSymbolAtLocation(file);
    const names = symbol ? checker.getExportsOfModule(symbol).map((s) => s.name) : [];
    doors.push({ package: pkg.name, door, names: names.length });
    for (const name of names) {
      if (seen.has(name)) twice.push(`${pkg.name}: ${name} (${seen.get(name)} and ${door})`);
      else seen.set(name, door);
    }
  }
}

const functions = [];
for (const file of program.getSourceFiles()) {
  if (!files.includes(file.fileName)) continue;
  const visit = (node) => {
    const body = node.body;
    if (ts.isFunctionLike(node) && body) {
      const start = file.getLineAndCharacterOfPosition(node.getStart(file)).line;
      const end = file.getLineAndCharacterOfPosition(node.end).line;
      const parent = node.parent;
      const name =
        node.name?.getText(file) ??
        (parent && ts.isVariableDeclaration(parent) ? parent.name.getText(file) : '(anonymous)');
      const owner =
        parent && ts.isClassLike(parent) && parent.name ? `${parent.name.getText(file)}.` : '';
      functions.push({
        name: `${owner}${name}`,
        file: relative(ROOT, file.fileName),
        line: start + 1,
        lines: end - start + 1,
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
}
functions.sort((a, b) => b.lines - a.lines);

const folders = new Map();
for (const file of files) {
  const folder = relative(ROOT, dirname(file));
  folders.set(folder, (folders.get(folder) ?? 0) + 1);
}

const configs = packages
  .filter((dir) => dir.includes('/apps/'))
  .map((dir) => join(dir, 'src/config.ts'))
  .filter((path) => statSync(path, { throwIfNoEntry: false }))
  .map((path) => ({
    file: relative(ROOT, path),
    lines: readFileSync(path, 'utf8').split('\n').length - 1,
  }));

const report = {
  names_per_door: doors,
  names_total: doors.reduce((n, d) => n + d.names, 0),
  exported_twice: twice,
  longest_functions: functions.slice(0, 10),
  named_one: functions.filter((f) => f.name === 'one').map((f) => `${f.file}:${f.line}`),
  files_per_folder: Object.fromEntries([...folders].sort((a, b) => b[1] - a[1])),
  config_lines: configs,
};

if (process.argv.includes('--json')) console.log(JSON.stringify(report, null, 2));
else {
  console.log(`names per door (${report.names_total} in all):`);
  for (const d of doors)
    console.log(`  ${String(d.names).padStart(4)}  ${d.package}${d.door.slice(1)}`);
  console.log(`exported by two doors of one package: ${twice.length ? '' : 'none'}`);
  for (const t of twice) console.log(`  ${t}`);
  console.log('longest functions:');
  for (const f of report.longest_functions)
    console.log(`  ${String(f.lines).padStart(4)}  ${f.name}  ${f.file}:${f.line}`);
  console.log(`functions named "one": ${report.named_one.join(', ') || 'none'}`);
  console.log('files per folder:');
  for (const [folder, n] of Object.entries(report.files_per_folder))
    console.log(`  ${String(n).padStart(4)}  ${folder}`);
  console.log('config.ts lines:');
  for (const c of configs) console.log(`  ${String(c.lines).padStart(4)}  ${c.file}`);
}
