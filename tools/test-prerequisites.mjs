// What `npm test` needs besides npm packages, brought up before any test runs: git (index tests,
// `git http-backend`), etcd (metadata and lock tests), promtool (alert rules), a Pushgateway (metrics
// push), cargo (the reference for manifests) and a corpus of real crates from Debian's packages.
// As root on a machine with apt-get, what is missing is installed; otherwise the run stops at once
// and names each missing tool with the command that installs it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Tools the tests run, and the Debian package of each. */
const TOOLS = [
  ['git', 'git'],
  ['etcd', 'etcd-server'],
  ['promtool', 'prometheus'],
  ['prometheus-pushgateway', 'prometheus-pushgateway'],
];
/** Real crates for the cargo conformance tests (made from Debian's librust-*-dev packages). */
export const CORPUS_DIR = 'test-fixtures/.cache/debian-crates';
const CORPUS_SIZE = 400;

const has = (command, env) =>
  spawnSync('/bin/sh', ['-c', `command -v ${command}`], { stdio: 'ignore', env }).status === 0;

function corpusReady(root) {
  const dir = join(root, CORPUS_DIR);
  return (
    existsSync(dir) && readdirSync(dir).filter((f) => f.endsWith('.crate')).length >= CORPUS_SIZE
  );
}

function run(command, args, root) {
  console.log(`$ ${command} ${args.join(' ')}`);
  return spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env }).status === 0;
}

/**
 * Installs what is missing where it can; returns the problems left (empty: ready).
 * @param {string} root the workspace root
 * @param {{ env?: NodeJS.ProcessEnv, install?: boolean }} [options] where to look (PATH), and
 *   whether installing is allowed (default: as root)
 */
export function ensureTestPrerequisites(root, options = {}) {
  const env = options.env ?? process.env;
  const found = (command) => has(command, env);
  const missing = TOOLS.filter(([command]) => !found(command));
  const needCorpus = !corpusReady(root);
  const canApt = (options.install ?? process.getuid?.() === 0) && found('apt-get');
  if ((missing.length > 0 || needCorpus) && canApt) {
    run('apt-get', ['update', '-qq'], root);
    if (missing.length > 0)
      run('apt-get', ['install', '-y', '-qq', ...missing.map(([, pkg]) => pkg)], root);
  }
  if (needCorpus && (options.install ?? true) && found('apt-get'))
    run(join(root, 'tools/debian-crate-corpus.sh'), [CORPUS_DIR, String(CORPUS_SIZE)], root);
  const problems = TOOLS.filter(([command]) => !found(command)).map(
    ([command, pkg]) => `${command}: not found; install it with \`sudo apt-get install -y ${pkg}\``,
  );
  if (!found('cargo'))
    problems.push(
      'cargo: not found; the manifest conformance tests compare with `cargo metadata`: install Rust from https://rustup.rs',
    );
  if (!corpusReady(root))
    problems.push(
      `${CORPUS_DIR}: fewer than ${CORPUS_SIZE} real crates; on Debian or Ubuntu run \`sudo apt-get update && tools/debian-crate-corpus.sh ${CORPUS_DIR} ${CORPUS_SIZE}\``,
    );
  const bundle = join(root, '../shared/data/crates.io-index-2019-11-10.bundle');
  if (!existsSync(bundle))
    problems.push(
      `${bundle}: missing; the real-index tests read the crates.io index of 2019-11-10 from it`,
    );
  return problems;
}
