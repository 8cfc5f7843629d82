/**
 * The augmented index as a git repository, kept without a work tree: files are read from the
 * branch's commit, changed files are written as blobs while a run goes, and a commit applies them
 * to the parent's tree and moves the branch with a compare-and-swap. The repository is therefore
 * valid at every instant (a killed run leaves only unreferenced objects), and a commit costs what
 * changed, not the 200,000 files of the index. A remote is cloned bare at depth 1.
 *
 * The backfiller only works in a repository it can identify as an augmented index (see
 * `repo-location.ts`), and only ever writes the paths of crate files, `.ais/pending`, and the
 * `README.md` and `config.json` it created.
 */
import {
  diffIndex,
  IndexSourceError,
  isIndexFilePath,
  type GitObjectStore,
} from '@lcs/index-reader';
import { parseCommit } from '@lcs/index-reader/git';
import { AUGMENTED_SCHEMA } from '../entry/augmented-entry.js';
import type { Author, CommitWriter } from '../git/commit-writer.js';
import { crateFilePaths } from '../drift/crate-file-paths.js';
import { AugmentedIndexError } from '../errors.js';
import { gitAvailable } from '../git/git-command.js';
import { sweepStagingRefs } from '../git/fast-import-writer.js';
import { gitCliRepoGit } from '../git/git-cli-repo-git.js';
import type { RepoBackend, RepoGit } from '../git/repo-git.js';
import {
  assertClean,
  AUGMENTED_FORMAT,
  cloneRepo,
  isAugmentedConfig,
  localRepo,
  recoverWorkTree,
  syncWorkTree,
  type RepoLocation,
} from './repo-location.js';
import { README } from './readme.js';
import type { AppliedOverrides } from '../overrides/overrides.js';
import {
  formatPending,
  hasTrailer,
  messageWithState,
  originalFromMessage,
  parsePending,
  PENDING_PATH,
  type AugmentedState,
} from './repo-state.js';

export type { Author } from '../git/commit-writer.js';

/** Options of {@link AugmentedRepo.open}. */
export interface OpenAugmentedRepoOptions {
  /** Where an http(s) URL is cloned (required for URLs). */
  readonly cloneDir?: string;
  /** Token for HTTP (sent as basic auth with user `x-access-token`, as GitHub and Gitea accept). */
  readonly token?: string;
  /** The original index it augments (written to `config.json` on creation). */
  readonly original?: string;
  /** The git implementation; `auto` (default) uses the git executable when installed. */
  readonly backend?: RepoBackend;
}

/** What the augmented index's `config.json` says. */
interface AugmentedConfig {
  schema?: number;
  /** The version of each field at the last complete join. */
  fields?: Record<string, number>;
  /** The overrides the last run applied. */
  overrides?: AppliedOverrides;
  [key: string]: unknown;
}

const BRANCH = 'master';
/** Operator commits looked through for the backfiller's last progress; beyond, a full join. */
const OPERATOR_COMMITS = 100;
const BRANCH_REF = `refs/heads/${BRANCH}`;

/** An augmented index repository. */
export class AugmentedRepo {
  private readonly changes = new Map<string, string | null>();
  private writerInstance: CommitWriter | undefined;
  private config: AugmentedConfig | undefined;

  private constructor(
    /** The directory or URL it was opened from (for messages). */
    readonly location: string,
    private readonly where: RepoLocation,
    private readonly git: RepoGit,
    private readonly store: GitObjectStore,
    private headOid: string | null,
    private readonly remote: string | undefined,
    private readonly token: string | undefined,
    /** The remote's branch when opened (`null`: empty remote); what a push must move forward. */
    private remoteHead: string | null,
  ) {}

  /** The git directory (bare repository, or `.git` of a work tree). */
  get gitdir(): string {
    return this.where.gitdir;
  }

  /** `true` when opening created the repository (nothing was there): worth telling the operator. */
  get created(): boolean {
    return this.where.created;
  }

  /** Which git implementation runs. */
  get backend(): 'git' | 'isomorphic-git' {
    return this.git.kind;
  }

  /**
   * Opens (creating, cloning or fetching) the augmented index at `location`: a directory or an
   * http(s) URL. A remote's branch replaces the local one: the remote is the truth.
   * @throws {AugmentedIndexError} `AUGMENTED_REPO_FOREIGN` when it holds anything but an augmented
   *   index, `AUGMENTED_REPO_DIRTY` for uncommitted changes, `AUGMENTED_REPO_INVALID` for a URL
   *   without a clone directory; nothing is changed in either case.
   */
  static async open(
    location: string,
    options: OpenAugmentedRepoOptions = {},
  ): Promise<AugmentedRepo> {
    const isUrl = /^https?:\/\//.test(location);
    let remoteHead: string | null = null;
    if (isUrl && !options.cloneDir)
      throw new AugmentedIndexError(
        'AUGMENTED_REPO_INVALID',
        location,
        `${location}: a URL needs a clone directory`,
      );
    const git = await pickBackend(options.backend ?? 'auto');
    const where = isUrl
      ? await cloneRepo(location, options.cloneDir ?? '', git)
      : await localRepo(location, git);
    if (where.workTree && git.kind !== 'git')
      throw new AugmentedIndexError(
        'AUGMENTED_REPO_INVALID',
        location,
        `${location} has a work tree, which needs the git executable; use a bare repository`,
      );
    if (isUrl) {
      remoteHead = await git.remoteHead(where.gitdir, location, BRANCH, options.token);
      if (remoteHead) {
        await git.fetch(where.gitdir, location, BRANCH, options.token);
        await assertAugmented(git, where.gitdir, remoteHead, location);
        // The remote is the truth, except where the clone holds commits on top of it that an
        // earlier push failed to deliver: those are kept and pushed by this run.
        const local = await git.resolve(where.gitdir, BRANCH_REF);
        const ahead = local !== null && (await git.isAncestor(where.gitdir, remoteHead, local));
        if (!ahead) await git.updateRef(where.gitdir, BRANCH_REF, remoteHead, local);
      }
    }
    const head = await git.resolve(where.gitdir, 'HEAD');
    if (head) {
      await assertAugmented(git, where.gitdir, head, location);
      if (where.workTree) {
        const parent = await git.resolve(where.gitdir, `${head}^`);
        await recoverWorkTree(where, head, parent);
      }
    }
    await assertClean(where, location);
    if (git.kind === 'git') await sweepStagingRefs(where.gitdir);
    const store = await git.objectStore(where.gitdir);
    const repo = new AugmentedRepo(
      location,
      where,
      git,
      store,
      head,
      isUrl ? location : undefined,
      options.token,
      remoteHead,
    );
    await repo.ensureLayoutFiles(options.original);
    return repo;
  }

  /** The branch's commit, or `null` before the first commit. */
  head(): string | null {
    return this.headOid;
  }

  /** The progress recorded by the branch's commit ({@link AugmentedState}). */
  async state(): Promise<
    AugmentedState & {
      readonly schema: number | null;
      readonly fields: Readonly<Record<string, number>> | null;
      readonly overrides: AppliedOverrides | null;
    }
  > {
    if (!this.headOid)
      return { original: null, pending: [], schema: null, fields: null, overrides: null };
    const fields = this.config?.fields;
    const overrides = this.config?.overrides;
    const { original, edited } = await this.#recordedProgress();
    return {
      original,
      pending: [...new Set([...parsePending(await this.read(PENDING_PATH)), ...edited])].sort(),
      schema: typeof this.config?.schema === 'number' ? this.config.schema : null,
      fields:
        fields && typeof fields === 'object' && !Array.isArray(fields)
          ? Object.fromEntries(Object.entries(fields).filter(([, v]) => typeof v === 'number'))
          : null,
      overrides:
        typeof overrides?.sha256 === 'string' && Array.isArray(overrides.crates)
          ? {
              sha256: overrides.sha256,
              crates: overrides.crates.filter((c) => typeof c === 'string'),
            }
          : null,
    };
  }

  /**
   * The original commit the branch is complete for. A commit without the trailer is an operator's
   * (an override, a hand fix): the progress is the nearest backfiller commit's on the first-parent
   * line, and the crate files changed since it are joined again (`edited`), so a correction costs
   * the files it touched rather than a full join. `none` (a full join cut short) stays unknown.
   */
  async #recordedProgress(): Promise<{ original: string | null; edited: string[] }> {
    let oid: string | undefined = this.headOid ?? undefined;
    for (let depth = 0; oid && depth < OPERATOR_COMMITS; depth++) {
      const object = await this.store.readObject(oid);
      if (object?.type !== 'commit') break;
      const text = object.data.toString('utf8');
      const message = text.slice(text.indexOf('\n\n') + 2);
      if (hasTrailer(message)) {
        const original = originalFromMessage(message);
        if (depth === 0 || original === null) return { original, edited: [] };
        const edited: string[] = [];
        try {
          for await (const diff of diffIndex(this.store, oid, this.headOid as string))
            edited.push(diff.path);
        } catch (error) {
          if (!(error instanceof IndexSourceError)) throw error;
          return { original: null, edited: [] };
        }
        return { original, edited };
      }
      oid = /^parent ([0-9a-f]{40})$/m.exec(text)?.[1];
    }
    return { original: null, edited: [] };
  }

  /** The text of a file at the branch's commit (as it was when opened), or `undefined`. */
  async read(path: string): Promise<string | undefined> {
    if (!this.headOid) return undefined;
    return (await this.store.readPath(this.headOid, path))?.toString('utf8');
  }

  /** Every crate file path of the branch's commit, in path order. */
  async *crateFiles(): AsyncGenerator<string> {
    if (this.headOid) yield* crateFilePaths(this.store, this.headOid);
  }

  /** Stages a crate file's new text (written as a blob now), or its removal (`undefined`). */
  async write(path: string, content: string | undefined): Promise<void> {
    if (
      !isIndexFilePath(path) &&
      path !== PENDING_PATH &&
      !['README.md', 'config.json'].includes(path)
    )
      throw new AugmentedIndexError(
        'AUGMENTED_REPO_INVALID',
        path,
        `not a path the augmented index holds: ${path}`,
      );
    this.changes.set(path, content === undefined ? null : await this.writer().writeBlob(content));
  }

  /** Paths staged since the last commit. */
  staged(): number {
    return this.changes.size;
  }

  /**
   * Commits the staged files with the progress `state`; returns the new commit, or `null` when the
   * tree did not change and `force` is not set. The branch moves only if no one else moved it.
   * @throws {AugmentedIndexError} `AUGMENTED_REPO_CONFLICT` when the branch moved under the run.
   */
  async commit(
    message: string,
    author: Author,
    state: AugmentedState & {
      readonly schema?: number;
      readonly fields?: Readonly<Record<string, number>>;
      /** The overrides applied (`null`: none; absent: as recorded). */
      readonly overrides?: AppliedOverrides | null;
    },
    options: { force?: boolean } = {},
  ): Promise<string | null> {
    const pending = formatPending(state.pending);
    if (pending !== (await this.read(PENDING_PATH))) await this.write(PENDING_PATH, pending);
    const schema = state.schema ?? this.config?.schema;
    const fields = state.fields ? { ...state.fields } : this.config?.fields;
    const overrides = state.overrides === undefined ? this.config?.overrides : state.overrides;
    if (
      schema !== this.config?.schema ||
      JSON.stringify(fields) !== JSON.stringify(this.config?.fields) ||
      JSON.stringify(overrides ?? null) !== JSON.stringify(this.config?.overrides ?? null)
    ) {
      const rest = { ...this.config };
      delete rest.overrides;
      this.config = {
        ...rest,
        schema,
        ...(fields ? { fields } : {}),
        ...(overrides
          ? { overrides: { sha256: overrides.sha256, crates: [...overrides.crates] } }
          : {}),
      };
      await this.write('config.json', formatConfig(this.config));
    }
    if (this.changes.size === 0 && !options.force) return null;
    // Taken synchronously: files other tasks stage while this commit is written (a checkpoint in
    // the middle of a run) belong to the next commit, and must not be cleared unwritten.
    const changes = new Map(this.changes);
    this.changes.clear();
    const parent = this.headOid;
    const written = await this.writer().commit({
      parent,
      changes,
      message: messageWithState(message, state.original),
      author,
      time: Date.now() / 1000,
    });
    if (parent && !options.force && written.tree === (await this.treeOf(parent))) return null;
    await this.git.updateRef(this.where.gitdir, BRANCH_REF, written.oid, parent);
    await syncWorkTree(this.where, parent, written.oid);
    this.headOid = written.oid;
    return written.oid;
  }

  /**
   * `true` when the branch holds commits the remote lacks: this run's, or an earlier run's whose
   * push failed (a remote that refused them and then moved on is fetched anew instead).
   */
  needsPush(): boolean {
    return this.remote !== undefined && this.headOid !== null && this.headOid !== this.remoteHead;
  }

  /**
   * Pushes the branch to the URL it was cloned from (fast-forward only).
   * @throws {AugmentedIndexError} `AUGMENTED_PUSH_REJECTED` when the remote moved on.
   */
  async push(): Promise<void> {
    if (!this.remote)
      throw new AugmentedIndexError(
        'AUGMENTED_REPO_INVALID',
        this.location,
        'no remote to push to: give an http(s) URL',
      );
    await this.git.push(this.where.gitdir, this.remote, BRANCH, this.token);
    this.remoteHead = this.headOid;
  }

  /** Ends the writer and the object reader. */
  async close(): Promise<void> {
    this.changes.clear();
    await this.writerInstance?.close();
    await this.store.close();
  }

  private writer(): CommitWriter {
    return (this.writerInstance ??= this.git.writer(this.where.gitdir));
  }

  private async treeOf(commit: string): Promise<string> {
    const object = await this.store.readObject(commit);
    if (!object)
      throw new AugmentedIndexError(
        'AUGMENTED_GIT_FAILED',
        this.location,
        `commit ${commit} is missing`,
      );
    return parseCommit(commit, object.data).tree;
  }

  /** On creation, the README and `config.json`; afterwards they are the operator's to edit. */
  private async ensureLayoutFiles(original: string | undefined): Promise<void> {
    const text = await this.read('config.json');
    if (this.headOid && text !== undefined) {
      this.config = JSON.parse(text) as AugmentedConfig;
      return;
    }
    this.config = {
      schema: AUGMENTED_SCHEMA,
      augments: original ?? 'https://github.com/rust-lang/crates.io-index',
      format: AUGMENTED_FORMAT,
    };
    await this.write('README.md', README);
    await this.write('config.json', formatConfig(this.config));
  }
}

function formatConfig(config: AugmentedConfig): string {
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** The git backend a repository is read and written with: the executable when present. */
export async function pickBackend(backend: RepoBackend): Promise<RepoGit> {
  if (backend === 'git' || (backend === 'auto' && (await gitAvailable()))) return gitCliRepoGit;
  // Loaded only when used: importing isomorphic-git costs about 50 ms of every start.
  return (await import('../git/iso-git-repo-git.js')).isoGitRepoGit;
}

/** Refuses a commit whose tree is not an augmented index (it is left as it is). */
export async function assertAugmented(
  git: RepoGit,
  gitdir: string,
  commit: string,
  location: string,
): Promise<void> {
  const store = await git.objectStore(gitdir);
  try {
    const config = await store.readPath(commit, 'config.json');
    if (!isAugmentedConfig(config?.toString('utf8')))
      throw new AugmentedIndexError(
        'AUGMENTED_REPO_FOREIGN',
        location,
        `${location} is not an augmented index (its config.json does not say format ${AUGMENTED_FORMAT}); nothing was changed`,
      );
  } finally {
    await store.close();
  }
}
