/** Reading an augmented index's committed lines with git itself, as a consumer would. */
import { execFileSync } from 'node:child_process';

/** Every line of the augmented branch at `HEAD` of `gitdir`, by `name@vers`, as its text. */
export function readLines(gitdir: string): Map<string, string> {
  const git = (...args: string[]) =>
    execFileSync('git', ['--git-dir', gitdir, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const out = new Map<string, string>();
  const files = git('ls-tree', '-r', '--name-only', 'HEAD')
    .trim()
    .split('\n')
    .filter((p) => !p.startsWith('.') && p !== 'README.md' && p !== 'config.json');
  for (const path of files)
    for (const line of git('show', `HEAD:${path}`).trim().split('\n')) {
      const entry = JSON.parse(line) as { name: string; vers: string };
      out.set(`${entry.name}@${entry.vers}`, line);
    }
  return out;
}
