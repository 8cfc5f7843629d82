import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { HttpClient } from 'isomorphic-git';
import { withCacheLock } from './cache-lock.js';
import { IndexSourceError } from '../errors.js';
import { GitCliObjectStore } from './git-cli-object-store.js';
import type { GitBackend } from './git-index-source.js';
import { loadIsoGit } from './iso-git.js';

/** The local ref the fetched commit is recorded under, so it survives isomorphic-git's bookkeeping. */
export const FETCHED_REF = 'refs/lcs/index';

/** Options of {@link fetchRemoteIndex}. */
export interface FetchRemoteIndexOptions {
  /** Where the bare cache repository lives; created when missing, reused (fetched into) otherwise. */
  readonly cacheDir: string;
  /** Remote branch; the remote's default branch (HEAD) when omitted. */
  readonly ref?: string;
  /** History depth; 1 (default) is all a reader needs and keeps clones of crates.io-index small. */
  readonly depth?: number;
  /** HTTP client for isomorphic-git; its Node client by default. Tests inject other transports. */
  readonly http?: HttpClient;
  /** Extra request headers (e.g. User-Agent, authorization). */
  readonly headers?: Record<string, string>;
  /** Progress of the transfer (isomorphic-git only). */
  readonly onProgress?: (event: { phase: string; loaded: number; total?: number }) => void;
  /**
   * `auto` (default): the git executable where installed (a shallow fetch that transfers what
   * changed, in git's memory), isomorphic-git otherwise or when `http` is given.
   */
  readonly backend?: GitBackend;
  /** Longest wait for another process fetching into the same cache, ms (default 10 min). */
  readonly lockTimeoutMs?: number;
}

/** What {@link fetchRemoteIndex} did. */
export interface FetchRemoteIndexResult {
  /** The bare repository to read with {@link GitIndexSource.open}. */
  readonly gitdir: string;
  /** The commit fetched. */
  readonly commit: string;
  /** The commit the cache held before, if any. */
  readonly previous: string | undefined;
}

/**
 * Clones (first time) or fetches (later) an http(s) git index into a bare cache repository with
 * isomorphic-git. The fetched commit replaces the previous one unconditionally (a forced update):
 * crates.io squashes its index history from time to time, and a fast-forward-only fetch would then
 * fail forever. Readers then diff the previous and new commits by tree, which a squash does not disturb.
 * @throws {IndexSourceError} naming the URL when the transfer fails.
 */
export async function fetchRemoteIndex(
  url: string,
  options: FetchRemoteIndexOptions,
): Promise<FetchRemoteIndexResult> {
  await mkdir(options.cacheDir, { recursive: true });
  const useCli =
    options.http === undefined &&
    (options.backend === 'git' ||
      ((options.backend ?? 'auto') === 'auto' && (await GitCliObjectStore.available())));
  return withCacheLock(options.cacheDir, options.lockTimeoutMs ?? 600_000, () =>
    useCli ? fetchWithGit(url, options) : fetchWithIsoGit(url, options),
  );
}

/** Runs git on the cache; configuration travels in the environment (no secrets in argv). */
function runGit(
  gitdir: string,
  args: string[],
  config: ReadonlyArray<readonly [string, string]> = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const entries: ReadonlyArray<readonly [string, string]> = [
    ['core.hooksPath', '/dev/null'],
    ['gc.auto', '0'],
    ['protocol.file.allow', 'never'],
    ...config,
  ];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_COUNT: String(entries.length),
  };
  entries.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return new Promise((resolve) => {
    execFile(
      'git',
      ['--git-dir', gitdir, ...args],
      { env, maxBuffer: 1 << 24 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) || 1 : 0, stdout, stderr }),
    );
  });
}

/** Request headers as git configuration (`http.extraHeader` is multi-valued: one per header). */
function headerConfig(
  headers: Record<string, string> = {},
): ReadonlyArray<readonly [string, string]> {
  return Object.entries(headers).map(([name, value]) =>
    name.toLowerCase() === 'user-agent'
      ? (['http.userAgent', value] as const)
      : (['http.extraHeader', `${name}: ${value}`] as const),
  );
}

/**
 * The git executable: a bare cache, `fetch --depth 1` of the branch into a private ref with a
 * forced refspec. Git negotiates with the objects the cache holds, so a fetch after a small change
 * transfers that change; a squash is followed like any other update. `gc.auto` is off: pruning could
 * remove the commit a reader's cursor still diffs from.
 */
async function fetchWithGit(
  url: string,
  options: FetchRemoteIndexOptions,
): Promise<FetchRemoteIndexResult> {
  const gitdir = options.cacheDir;
  if (!fs.existsSync(join(gitdir, 'HEAD'))) {
    const init = await runGit(gitdir, ['init', '-q', '--bare', gitdir]);
    if (init.code !== 0)
      throw new IndexSourceError(gitdir, `git init failed: ${init.stderr.trim()}`);
  }
  const resolve = async (ref: string) => {
    const out = await runGit(gitdir, ['rev-parse', '-q', '--verify', `${ref}^{commit}`]);
    return out.code === 0 ? out.stdout.trim() : undefined;
  };
  const previous = await resolve(FETCHED_REF);
  const config = headerConfig(options.headers);
  const source = options.ref ? `refs/heads/${options.ref}` : 'HEAD';
  const fetched = await runGit(
    gitdir,
    [
      'fetch',
      '-q',
      '--no-tags',
      '--depth',
      String(options.depth ?? 1),
      '--end-of-options',
      url,
      `+${source}:${FETCHED_REF}-new`,
    ],
    config,
  );
  if (fetched.code !== 0)
    throw new IndexSourceError(
      url,
      `fetch failed: ${fetched.stderr.trim().split('\n').slice(-2).join(' ')}`,
    );
  const commit = await resolve(`${FETCHED_REF}-new`);
  if (!commit) throw new IndexSourceError(url, 'the remote has no such branch');
  const moved = await runGit(gitdir, ['update-ref', FETCHED_REF, commit]);
  if (moved.code !== 0)
    throw new IndexSourceError(gitdir, `cannot record ${commit}: ${moved.stderr.trim()}`);
  await runGit(gitdir, ['update-ref', '-d', `${FETCHED_REF}-new`]);
  return { gitdir, commit, previous };
}

/** Options of {@link fetchRemoteCommit}. */
export type FetchRemoteCommitOptions = Pick<
  FetchRemoteIndexOptions,
  'cacheDir' | 'headers' | 'lockTimeoutMs'
>;

/**
 * Fetches one commit by its id (depth 1) into the cache of {@link fetchRemoteIndex}, without
 * moving the cache's ref: a reader that must open an older commit than the one this cache fetched
 * (a webhook replica whose cache started after that commit) gets its objects. Needs the git
 * executable, and a server that serves commits by id (protocol v2 does, for reachable commits).
 * @throws {IndexSourceError} naming the URL when the fetch fails.
 */
export async function fetchRemoteCommit(
  url: string,
  commit: string,
  options: FetchRemoteCommitOptions,
): Promise<void> {
  if (!/^[0-9a-f]{40}$/.test(commit))
    throw new IndexSourceError(url, `${JSON.stringify(commit)} is not a commit id`);
  await mkdir(options.cacheDir, { recursive: true });
  const gitdir = options.cacheDir;
  await withCacheLock(gitdir, options.lockTimeoutMs ?? 600_000, async () => {
    if (!fs.existsSync(join(gitdir, 'HEAD'))) {
      const init = await runGit(gitdir, ['init', '-q', '--bare', gitdir]);
      if (init.code !== 0)
        throw new IndexSourceError(gitdir, `git init failed: ${init.stderr.trim()}`);
    }
    const fetched = await runGit(
      gitdir,
      [
        'fetch',
        '-q',
        '--no-tags',
        '--no-write-fetch-head',
        '--depth',
        '1',
        '--end-of-options',
        url,
        commit,
      ],
      headerConfig(options.headers),
    );
    if (fetched.code !== 0)
      throw new IndexSourceError(
        url,
        `fetch of ${commit} failed: ${fetched.stderr.trim().split('\n').slice(-2).join(' ')}`,
      );
  });
}

/** isomorphic-git, for machines without git (memory: see the README's benchmark). */
async function fetchWithIsoGit(
  url: string,
  options: FetchRemoteIndexOptions,
): Promise<FetchRemoteIndexResult> {
  const { git, http: nodeHttp } = await loadIsoGit();
  const gitdir = options.cacheDir;
  if (!fs.existsSync(join(gitdir, 'HEAD'))) await git.init({ fs, gitdir, bare: true });
  // A forced refspec ('+'): the remote-tracking ref follows the remote even when history was rewritten.
  await git.setConfig({ fs, gitdir, path: 'remote.origin.url', value: url });
  await git.setConfig({
    fs,
    gitdir,
    path: 'remote.origin.fetch',
    value: '+refs/heads/*:refs/remotes/origin/*',
  });
  const previous = await git.resolveRef({ fs, gitdir, ref: FETCHED_REF }).catch(() => undefined);
  let commit: string | null;
  try {
    const result = await git.fetch({
      fs,
      http: options.http ?? nodeHttp,
      gitdir,
      remote: 'origin',
      ...(options.ref ? { ref: options.ref } : {}),
      singleBranch: true,
      depth: options.depth ?? 1,
      tags: false,
      ...(options.headers ? { headers: options.headers } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    commit = result.fetchHead;
  } catch (cause) {
    throw new IndexSourceError(url, `fetch failed: ${(cause as Error).message}`, { cause });
  }
  if (!commit) throw new IndexSourceError(url, 'the remote has no such branch');
  await git.writeRef({ fs, gitdir, ref: FETCHED_REF, value: commit, force: true });
  return { gitdir, commit, previous };
}
