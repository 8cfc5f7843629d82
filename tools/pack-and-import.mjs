// Proves a workspace lib is a publishable package: `npm pack` it, install the tarball into a fresh
// project outside the workspace, type-check a TypeScript consumer against the shipped .d.ts with
// `module: nodenext` and strict settings, then run it with plain Node (no workspace conditions).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

/**
 * @param {string} libDir the lib's folder (its `dist/` must be built)
 * @param {string} consumer TypeScript source of `consumer.ts`, importing the package by name
 * @returns {{ files: string[], output: string, name: string, problems: string[], installed: string[], installedKiB: number }}
 *   packed file list, the consumer's stdout, what the tarball lacks (see tarballProblems), and the
 *   packages the consumer installed with their size
 */
export function packAndImport(libDir, consumer) {
  const pkg = JSON.parse(readFileSync(join(libDir, 'package.json'), 'utf8'));
  const work = mkdtempSync(join(tmpdir(), 'lcs-pack-'));
  try {
    // Workspace libraries this one depends on are packed too, as a registry would serve them.
    const pack = (dir) =>
      JSON.parse(
        execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
          cwd: dir,
          encoding: 'utf8',
        }),
      )[0];
    const packed = pack(libDir);
    const tarballs = [join(work, packed.filename)];
    for (const dep of workspaceDependencies(pkg)) tarballs.push(join(work, pack(dep).filename));
    const app = join(work, 'consumer');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
    );
    execFileSync(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', ...tarballs],
      { cwd: app, stdio: 'pipe' },
    );
    const output = compileAndRun(app, consumer);
    const files = packed.files.map((f) => f.path);
    // What the consumer got: every package under node_modules, and their size on disk.
    const installed = execFileSync(
      'find',
      [
        join(app, 'node_modules'),
        '-name',
        'package.json',
        '-not',
        '-path',
        '*/node_modules/*/node_modules/*/node_modules/*',
      ],
      { encoding: 'utf8' },
    )
      .split('\n')
      .filter(Boolean)
      .map((f) => JSON.parse(readFileSync(f, 'utf8')).name)
      .filter((name) => typeof name === 'string');
    const installedKiB = Number(
      execFileSync('du', ['-sk', join(app, 'node_modules')], { encoding: 'utf8' }).split('\t')[0],
    );
    return {
      name: pkg.name,
      files,
      output,
      problems: tarballProblems(libDir, pkg, files),
      installed: [...new Set(installed)].sort(),
      installedKiB,
    };
  } catch (error) {
    const detail = [error.stdout, error.stderr].filter(Boolean).map(String).join('\n');
    throw new Error(`${pkg.name}: ${error.message}\n${detail}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Writes `source` as `consumer.ts` in the project `app` (its packages installed), compiles it as a
 * consumer would (`module: nodenext`, strict, `skipLibCheck: false`, the shipped `.d.ts` only), and
 * runs it with plain Node (no workspace conditions); returns its stdout.
 * @param {string} app
 * @param {string} source
 * @returns {string}
 */
export function compileAndRun(app, source) {
  writeFileSync(join(app, 'consumer.ts'), source);
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        strict: true,
        noUncheckedIndexedAccess: true,
        verbatimModuleSyntax: true,
        types: ['node'],
        typeRoots: [join(ROOT, 'node_modules/@types')],
        skipLibCheck: false,
        outDir: 'out',
      },
      files: ['consumer.ts'],
    }),
  );
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', app], {
    stdio: 'pipe',
  });
  return execFileSync(process.execPath, [join(app, 'out/consumer.js')], {
    cwd: app,
    encoding: 'utf8',
  });
}

/**
 * What a consumer of the tarball would trip over: a README or LICENSE missing, an `exports`
 * condition, `main` or `types` naming a file that is not shipped, a source map whose sources are
 * not shipped.
 * @param {string} libDir
 * @param {Record<string, any>} pkg
 * @param {string[]} files packed paths
 * @returns {string[]}
 */
export function tarballProblems(libDir, pkg, files) {
  const shipped = new Set(files);
  const problems = ['README.md', 'LICENSE']
    .filter((f) => !shipped.has(f))
    .map((f) => `${f} is not in the tarball`);
  const targets = (value, where) =>
    typeof value === 'string'
      ? [[value, where]]
      : Object.entries(value ?? {}).flatMap(([k, v]) => targets(v, `${where}.${k}`));
  for (const [target, where] of [
    ...targets(pkg.exports, 'exports'),
    ...targets(pkg.main, 'main'),
    ...targets(pkg.types, 'types'),
  ])
    if (!shipped.has(posix.normalize(target)))
      problems.push(`${where} -> ${target} is not shipped`);
  for (const map of files.filter((f) => f.endsWith('.map'))) {
    const { sources = [] } = JSON.parse(readFileSync(join(libDir, map), 'utf8'));
    for (const source of sources) {
      const path = posix.normalize(posix.join(posix.dirname(map), source));
      if (!shipped.has(path)) problems.push(`${map} -> ${source} is not shipped`);
    }
  }
  return problems;
}

/** Folders of the `@lcs/*` libraries `pkg` depends on, directly or through another one. */
function workspaceDependencies(pkg, seen = new Set()) {
  for (const name of Object.keys(pkg.dependencies ?? {})) {
    if (!name.startsWith('@lcs/') || seen.has(name)) continue;
    const dir = join(ROOT, 'libs', name.slice('@lcs/'.length));
    seen.add(name);
    workspaceDependencies(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')), seen);
  }
  return [...seen].map((name) => join(ROOT, 'libs', name.slice('@lcs/'.length)));
}

// Command line: node tools/pack-and-import.mjs <libDir> < consumer.ts  → prints the result as JSON.
if (process.argv[1] === import.meta.filename) {
  const [libDir] = process.argv.slice(2);
  if (!libDir) {
    console.error('usage: pack-and-import.mjs <libDir> < consumer.ts');
    process.exit(2);
  }
  console.log(JSON.stringify(packAndImport(resolve(libDir), readFileSync(0, 'utf8'))));
}
