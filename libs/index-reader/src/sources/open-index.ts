import { fileURLToPath } from 'node:url';
import { DirectoryIndexSource } from './directory-index-source.js';
import { IndexSourceInvalidError } from '../errors.js';
import { findGitDir, GitIndexSource, type GitBackend } from '../git/git-index-source.js';
import { fetchRemoteIndex, type FetchRemoteIndexOptions } from '../git/remote-git-index.js';
import { SparseIndexSource } from './sparse-index-source.js';

/** Options of {@link openIndex}. */
export interface OpenIndexOptions {
  /** Revision of a local git index; `HEAD` by default. */
  readonly rev?: string;
  /** Object reader for git indexes. */
  readonly backend?: GitBackend;
  /** Read a git work tree as a plain directory (its checked-out files) instead of its commits. */
  readonly asDirectory?: boolean;
  /** Cache directory: required for http(s) git indexes (the clone), optional for sparse ones. */
  readonly cacheDir?: string;
  /** Options passed to {@link fetchRemoteIndex} for http(s) git indexes. */
  readonly remote?: Omit<FetchRemoteIndexOptions, 'cacheDir'>;
  /** `fetch` and headers for sparse indexes. */
  readonly sparse?: { fetch?: typeof globalThis.fetch; headers?: Record<string, string> };
}

/** Any source {@link openIndex} returns. */
export type AnyIndexSource = GitIndexSource | DirectoryIndexSource | SparseIndexSource;

/**
 * Opens an index from a specification, the way operators write it:
 * - `sparse+https://index.crates.io/`: the sparse protocol;
 * - `https://github.com/rust-lang/crates.io-index` (or `http://`): a git index, fetched shallow
 *   into the bare cache `cacheDir` (the git executable, or isomorphic-git), then read at that commit;
 * - a path or `file://` URL: a git repository (read at `rev`) when it is one, a plain directory otherwise.
 * @throws {IndexSourceInvalidError} naming the specification when it cannot be opened.
 */
export async function openIndex(
  spec: string,
  options: OpenIndexOptions = {},
): Promise<AnyIndexSource> {
  if (typeof spec !== 'string' || spec === '')
    throw new IndexSourceInvalidError(
      String(spec),
      'an index specification is a non-empty string: a path, a file://, http(s):// or sparse+http(s):// URL',
    );
  if (spec.startsWith('sparse+')) {
    return new SparseIndexSource(spec, {
      ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
      ...options.sparse,
    });
  }
  if (/^https?:\/\//.test(spec)) {
    if (!options.cacheDir)
      throw new IndexSourceInvalidError(spec, 'a git URL needs a cache directory');
    const fetched = await fetchRemoteIndex(spec, {
      ...(options.backend ? { backend: options.backend } : {}),
      ...options.remote,
      cacheDir: options.cacheDir,
    });
    return GitIndexSource.open(fetched.gitdir, {
      rev: fetched.commit,
      ...(options.backend ? { backend: options.backend } : {}),
    });
  }
  let path = spec;
  if (spec.startsWith('file:')) path = fileURLToPath(spec);
  else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec)) {
    throw new IndexSourceInvalidError(
      spec,
      'unsupported scheme (use a path, file://, http(s):// or sparse+http(s)://)',
    );
  }
  if (!options.asDirectory && findGitDir(path)) {
    return GitIndexSource.open(path, {
      ...(options.rev ? { rev: options.rev } : {}),
      ...(options.backend ? { backend: options.backend } : {}),
    });
  }
  return DirectoryIndexSource.open(path);
}
