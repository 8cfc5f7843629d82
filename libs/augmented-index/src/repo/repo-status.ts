/**
 * What an augmented index records about its progress, read without changing anything (no clone,
 * no fetch, no lock): the branch's commit, the original commit it is complete up to, the pending
 * list, and the last commits (one per run that wrote something). `ais-backfiller status` prints it.
 */
import { pickBackend } from './augmented-repo.js';
import { existingGitdir } from './repo-location.js';
import type { RepoBackend } from '../git/repo-git.js';
import { originalFromMessage, parsePending, PENDING_PATH } from './repo-state.js';
import { Overrides, OVERRIDES_PATH, type FieldOverride } from '../overrides/overrides.js';

/** One commit of the augmented branch. */
export interface AugmentedCommit {
  readonly commit: string;
  /** Committer time, RFC 3339. */
  readonly committedAt: string;
  readonly subject: string;
  /** The original index commit this commit is complete up to (`null`: a full join was cut short). */
  readonly original: string | null;
}

/** The progress of an augmented index. */
export interface AugmentedStatus {
  readonly gitdir: string;
  /** The branch's commit, `null` before the first run committed. */
  readonly head: string | null;
  readonly original: string | null;
  readonly pending: readonly string[];
  /** The newest commits first. */
  readonly history: readonly AugmentedCommit[];
  /** The operator's overrides at the branch's commit (`.ais/overrides.json`), in file order. */
  readonly overrides: readonly FieldOverride[];
}

/** Options of {@link readAugmentedStatus}. */
export interface ReadAugmentedStatusOptions {
  /** Where a URL's clone is kept (the backfiller's `--augmented-index-dir`). */
  readonly cloneDir?: string;
  /** Commits of history to read (default 5). */
  readonly history?: number;
  readonly backend?: RepoBackend;
}

/**
 * Reads the status of the augmented index at `location` (a path, or a URL with its clone
 * directory); `undefined` when there is no repository there yet.
 */
export async function readAugmentedStatus(
  location: string,
  options: ReadAugmentedStatusOptions = {},
): Promise<AugmentedStatus | undefined> {
  const gitdir = existingGitdir(location, options.cloneDir);
  if (!gitdir) return undefined;
  const git = await pickBackend(options.backend ?? 'auto');
  const head = await git.resolve(gitdir, 'HEAD');
  if (!head) return { gitdir, head: null, original: null, pending: [], history: [], overrides: [] };
  const store = await git.objectStore(gitdir);
  try {
    const history: AugmentedCommit[] = [];
    for (let oid: string | undefined = head; oid && history.length < (options.history ?? 5);) {
      const object = await store.readObject(oid);
      if (object?.type !== 'commit') break;
      const text = object.data.toString('utf8');
      const message = text.slice(text.indexOf('\n\n') + 2);
      const time = /^committer .* (\d+) [+-]\d{4}$/m.exec(text)?.[1];
      history.push({
        commit: oid,
        committedAt: new Date(Number(time ?? 0) * 1000).toISOString(),
        subject: message.split('\n')[0] ?? '',
        original: originalFromMessage(message),
      });
      oid = /^parent ([0-9a-f]{40})$/m.exec(text)?.[1];
    }
    const pending = parsePending((await store.readPath(head, PENDING_PATH))?.toString('utf8'));
    const overrides = Overrides.parse(
      (await store.readPath(head, OVERRIDES_PATH))?.toString('utf8'),
    ).list;
    return {
      gitdir,
      head,
      original: history[0]?.original ?? null,
      pending,
      history,
      overrides,
    };
  } finally {
    await store.close();
  }
}
