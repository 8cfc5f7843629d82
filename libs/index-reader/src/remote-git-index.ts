import fs from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { HttpClient } from 'isomorphic-git';
import { IndexSourceError } from './errors.js';
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
  /** Progress of the transfer. */
  readonly onProgress?: (event: { phase: string; loaded: number; total?: number }) => void;
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
  const { git, http: nodeHttp } = await loadIsoGit();
  const gitdir = options.cacheDir;
  await mkdir(gitdir, { recursive: true });
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
