/**
 * One commit of an augmented index, opened for reading only: nothing is created, cloned, fetched,
 * staged or locked. A path is read as it is; a URL is read from its clone directory as the last
 * backfiller run left it (as `status` does). Git objects are immutable, so a backfill committing
 * beside it changes nothing it reads.
 */
import type { GitObjectStore } from '@lcs/index-reader';
import { assertAugmented, pickBackend } from './augmented-repo.js';
import { crateFilePaths } from '../drift/crate-file-paths.js';
import { AugmentedIndexError } from '../errors.js';
import type { RepoBackend } from '../git/repo-git.js';
import { existingGitdir } from './repo-location.js';

/** Options of {@link AugmentedSnapshot.open}. */
export interface OpenAugmentedSnapshotOptions {
  /** Where a URL's clone is kept (the backfiller's `--augmented-index-dir`). */
  readonly cloneDir?: string;
  readonly backend?: RepoBackend;
}

/** The branch's commit of an augmented index, read-only. */
export class AugmentedSnapshot {
  private constructor(
    /** The git directory read. */
    readonly gitdir: string,
    /** The commit read (the branch's, when opened). */
    readonly commit: string,
    private readonly store: GitObjectStore,
  ) {}

  /**
   * Opens the branch's commit at `location`.
   * @throws {AugmentedIndexError} `AUGMENTED_REPO_INVALID` when there is no repository or no commit
   *   there yet; `AUGMENTED_REPO_FOREIGN` when it is not an augmented index.
   */
  static async open(
    location: string,
    options: OpenAugmentedSnapshotOptions = {},
  ): Promise<AugmentedSnapshot> {
    const gitdir = existingGitdir(location, options.cloneDir);
    const git = await pickBackend(options.backend ?? 'auto');
    const head = gitdir ? await git.resolve(gitdir, 'HEAD') : null;
    if (!gitdir || !head)
      throw new AugmentedIndexError(
        'AUGMENTED_REPO_INVALID',
        location,
        `${location}: no augmented index commit there yet${/^https?:\/\//.test(location) ? ` (its clone directory ${options.cloneDir ?? '(none given)'} holds none; a backfiller run makes it)` : ''}`,
      );
    await assertAugmented(git, gitdir, head, location);
    return new AugmentedSnapshot(gitdir, head, await git.objectStore(gitdir));
  }

  /** The text of a file at the commit, or `undefined`. */
  async read(path: string): Promise<string | undefined> {
    return (await this.store.readPath(this.commit, path))?.toString('utf8');
  }

  /** Every crate file path of the commit, in path order. */
  crateFiles(): AsyncGenerator<string> {
    return crateFilePaths(this.store, this.commit);
  }

  /** Closes the object reader. */
  async close(): Promise<void> {
    await this.store.close();
  }
}
