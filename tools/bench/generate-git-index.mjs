// Builds a git repository holding a generated crates.io-sized index through `git fast-import`
// (fast: no work tree, one pack), and a second commit that changes `changed` crate files.
// Delta chains are capped at 4 (`--depth=4`): the pack of the real index of 2019 has 52% of its
// objects undeltified and no chain longer than 9, while fast-import's default (50, each blob
// against the previous one) made random reads ten times slower than on the real pack.
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { generateIndex, rng, versionEntry } from '../fixture-index.mjs';

/** A `git fast-import` process on `gitdir`: `write(text)` with back-pressure, `end()` waits for it. */
export function fastImport(gitdir) {
  const child = spawn(
    'git',
    ['--git-dir', gitdir, 'fast-import', '--quiet', '--done', '--depth=4'],
    {
      stdio: ['pipe', 'inherit', 'inherit'],
    },
  );
  const done = new Promise((resolve, reject) =>
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`fast-import exited ${code}`)),
    ),
  );
  const write = async (text) => {
    if (!child.stdin.write(text)) await new Promise((r) => child.stdin.once('drain', r));
  };
  return { write, end: async () => (child.stdin.end(), done) };
}

const ident = 'bench <bench@example.com> 1700000000 +0000';

/**
 * @param {{ crates: number, versionsPerCrate: number, changed: number, seed?: number,
 *   addVersion?: (name: string) => object, dl?: string }} options
 * @returns {{ first: string, second: string, crates: number, versions: number, changedFiles: number }}
 */
export async function generateGitIndex(
  gitdir,
  { crates, versionsPerCrate, changed, seed = 11, addVersion, dl },
) {
  execFileSync('git', ['init', '-q', '--bare', gitdir]);
  const fi = fastImport(gitdir);
  await fi.write(`commit refs/heads/master\nmark :1\ncommitter ${ident}\ndata 5\nfirst\n`);
  let versions = 0;
  const picked = [];
  const next = rng(seed);
  for (const { name, path, lines } of generateIndex({
    crates,
    versionsPerCrate,
    seed,
    sorted: true,
  })) {
    versions += lines.length;
    const body = `${lines.join('\n')}\n`;
    await fi.write(`M 100644 inline ${path}\ndata ${Buffer.byteLength(body)}\n${body}\n`);
    if (picked.length < changed && next() < (changed * 2) / crates)
      picked.push({ name, path, body });
  }
  const config = `${JSON.stringify({ dl: dl ?? 'https://crates.io/api/v1/crates' })}\n`;
  await fi.write(`M 100644 inline config.json\ndata ${config.length}\n${config}\n`);
  // Second commit: a new version for each picked crate.
  await fi.write(
    `commit refs/heads/master\nmark :2\ncommitter ${ident}\ndata 6\nsecond\nfrom :1\n`,
  );
  for (const { name, path, body } of picked) {
    // `addVersion(name)` lets a caller add versions whose cksum matches bytes it can serve.
    const entry = addVersion ? addVersion(name) : versionEntry(next, name, '99.0.0', []);
    const added = `${body}${JSON.stringify(entry)}\n`;
    await fi.write(`M 100644 inline ${path}\ndata ${Buffer.byteLength(added)}\n${added}\n`);
  }
  await fi.write('done\n');
  await fi.end();
  const rev = (r) =>
    execFileSync('git', ['--git-dir', gitdir, 'rev-parse', r], { encoding: 'utf8' }).trim();
  return {
    first: rev('master~1'),
    second: rev('master'),
    crates,
    versions,
    changedFiles: picked.length,
  };
}
