/**
 * Finding the augmented repository the backfiller may work in, and refusing everything else. The
 * backfiller only ever works in a repository it can identify as an augmented index: one it created
 * (its `config.json` carries {@link AUGMENTED_FORMAT}), or an empty one. A plain directory with
 * files, another project's repository, a dirty work tree or a remote with another history is left
 * exactly as it was, with an error naming it.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AugmentedIndexError } from '../errors.js';
import { runGit } from '../git/git-command.js';
import type { RepoGit } from '../git/repo-git.js';

/** The marker in `config.json` that says "an augmented index, written by ais-backfiller". */
export const AUGMENTED_FORMAT = 'https://github.com/example/lcs#augmented-index';

/** Where a repository lives. */
export interface RepoLocation {
  readonly gitdir: string;
  /** The work tree of a non-bare repository; `undefined` for a bare one. */
  readonly workTree: string | undefined;
  /** `true` when this call created the repository. */
  readonly created: boolean;
}

/** `true` when `config.json`'s text identifies an augmented index. */
export function isAugmentedConfig(text: string | undefined): boolean {
  if (text === undefined) return false;
  try {
    const config = JSON.parse(text) as { format?: unknown } | null;
    return config?.format === AUGMENTED_FORMAT;
  } catch {
    return false;
  }
}

/**
 * The git directory already at `location` (a path, or a URL's clone directory), found without
 * creating, cloning or fetching anything; `undefined` when no repository is there yet.
 */
export function existingGitdir(location: string, cloneDir: string | undefined): string | undefined {
  const dir = resolve(/^https?:\/\//.test(location) ? (cloneDir ?? '') : location);
  const gitdir = existsSync(join(dir, '.git')) ? join(dir, '.git') : dir;
  return existsSync(join(gitdir, 'HEAD')) && existsSync(join(gitdir, 'objects'))
    ? gitdir
    : undefined;
}

function isEmptyDir(dir: string): boolean {
  return readdirSync(dir).length === 0;
}

/**
 * The repository at a local path: created (bare) when the path is missing or an empty directory.
 * @throws {AugmentedIndexError} `AUGMENTED_REPO_FOREIGN` for a file or a non-empty directory that is
 *   not a git repository.
 */
export async function localRepo(path: string, git: RepoGit): Promise<RepoLocation> {
  const dir = resolve(path);
  if (existsSync(join(dir, '.git'))) {
    return { gitdir: join(dir, '.git'), workTree: dir, created: false };
  }
  if (existsSync(join(dir, 'HEAD')) && existsSync(join(dir, 'objects'))) {
    return { gitdir: dir, workTree: undefined, created: false };
  }
  if (existsSync(dir) && (!statSync(dir).isDirectory() || !isEmptyDir(dir))) {
    throw new AugmentedIndexError(
      'AUGMENTED_REPO_FOREIGN',
      path,
      `${path} is not an augmented index: it is not a git repository and not empty (nothing was changed)`,
    );
  }
  await mkdir(dir, { recursive: true });
  await git.init(dir);
  return { gitdir: dir, workTree: undefined, created: true };
}

/**
 * The bare clone of a remote augmented index in `cloneDir`, created when missing. A directory that
 * holds anything else, or a clone of another URL, is refused.
 */
export async function cloneRepo(
  url: string,
  cloneDir: string,
  git: RepoGit,
): Promise<RepoLocation> {
  const dir = resolve(cloneDir);
  const bare = existsSync(join(dir, 'HEAD')) && existsSync(join(dir, 'objects'));
  if (bare) {
    if ((await git.getConfig(dir, 'ais.remote')) !== url)
      throw new AugmentedIndexError(
        'AUGMENTED_REPO_FOREIGN',
        cloneDir,
        `${cloneDir} is not a clone of ${url} made by ais-backfiller (nothing was changed)`,
      );
    return { gitdir: dir, workTree: undefined, created: false };
  }
  if (existsSync(dir) && (!statSync(dir).isDirectory() || !isEmptyDir(dir)))
    throw new AugmentedIndexError(
      'AUGMENTED_REPO_FOREIGN',
      cloneDir,
      `${cloneDir} is not empty and not a clone made by ais-backfiller (nothing was changed)`,
    );
  await mkdir(dir, { recursive: true });
  await git.init(dir);
  await git.setConfig(dir, 'ais.remote', url);
  return { gitdir: dir, workTree: undefined, created: true };
}

/**
 * Refuses a work tree with changes the backfiller did not make: they are the operator's, and a
 * backfill must not clean them.
 */
export async function assertClean(location: RepoLocation, input: string): Promise<void> {
  if (!location.workTree) return;
  const { stdout } = await runGit(
    location.gitdir,
    ['status', '--porcelain', '--untracked-files=normal', '--no-renames'],
    input,
    { env: { GIT_WORK_TREE: location.workTree } },
  );
  if (stdout.trim() !== '')
    throw new AugmentedIndexError(
      'AUGMENTED_REPO_DIRTY',
      input,
      `${input} has changes that are not committed (${stdout.trim().split('\n').length} paths, e.g. ${stdout.trim().split('\n')[0]?.slice(3)}): commit or remove them; the backfiller does not clean work trees`,
    );
}

/**
 * Brings a non-bare repository's index and work tree from commit `from` to `to`, touching only the
 * paths that differ (a two-tree `read-tree -m -u`: https://git-scm.com/docs/git-read-tree).
 */
export async function syncWorkTree(
  location: RepoLocation,
  from: string | null,
  to: string,
): Promise<void> {
  if (!location.workTree) return;
  await runGit(
    location.gitdir,
    ['read-tree', '-m', '-u', ...(from ? [from] : []), to],
    location.workTree,
    {
      env: { GIT_WORK_TREE: location.workTree },
    },
  );
}

/**
 * Completes a run that moved the branch but died before updating the work tree: the index then
 * still holds the parent's tree. Anything else stays for {@link assertClean} to refuse.
 */
export async function recoverWorkTree(
  location: RepoLocation,
  head: string,
  parent: string | null,
): Promise<void> {
  if (!location.workTree || !parent) return;
  const env = { GIT_WORK_TREE: location.workTree };
  const tree = async (rev: string) =>
    (
      await runGit(location.gitdir, ['rev-parse', `${rev}^{tree}`], location.workTree ?? '', {
        env,
      })
    ).stdout.trim();
  const indexTree = (
    await runGit(location.gitdir, ['write-tree'], location.workTree, { env })
  ).stdout.trim();
  if (indexTree !== (await tree(head)) && indexTree === (await tree(parent)))
    await syncWorkTree(location, parent, head);
}
