/**
 * The augmented index as a git repository, through isomorphic-git: open a local one (created with
 * `git init` and its README and config when it does not exist), or clone one over HTTP; write files
 * atomically; commit exactly the paths written, only when something changed; push with a token.
 *
 * Crash safety: the paths written since the last commit are journaled in `.git/ais-pending` before
 * they are written, so a run that died between writing and committing is completed by the next one.
 */
import * as fs from 'node:fs';
import { appendFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import { AUGMENTED_SCHEMA } from './augmented-entry.js';
import { AugmentedIndexError } from './errors.js';

/** Options of {@link AugmentedRepo.open}. */
export interface OpenAugmentedRepoOptions {
  /** Where an http(s) URL is cloned (required for URLs). */
  readonly cloneDir?: string;
  /** Token for HTTP (sent as basic auth with user `x-access-token`, as GitHub and Gitea accept). */
  readonly token?: string;
  /** The original index it augments (written to `config.json` on creation). */
  readonly original?: string;
}

/** A commit author. */
export interface Author {
  readonly name: string;
  readonly email: string;
}

const README = `# Augmented crates index

Laid out exactly like crates.io-index (\`ex/am/example_crate\`, \`3/e/exa\`, \`2/ab\`, \`1/a\`), one JSON
line per version, in the order of the original index file. Each line carries what the registry
index lacks, from the crate's own \`Cargo.toml\` and archive:

- \`name\`, \`vers\`, \`cksum\` (copied from the original index; another cksum means the line is stale)
- \`schema\`: the version of this format (see \`config.json\`); older lines are regenerated
- \`dev_deps\`: the dev-dependencies, in the index's dependency shape (\`name\`, \`req\`, \`features\`,
  \`optional\`, \`default_features\`, \`target\`, \`kind: "dev"\`, \`package\` when renamed,
  \`registry\` when not crates.io)
- \`edition\`, \`rust_version\`, \`license\`, \`links\`, \`targets\` (\`lib\` with \`proc_macro\` and
  \`crate_types\`, \`bins\`), \`build_script\`, \`cargo_lock\`
- \`error\` \`{code, message}\` when the crate could not be read

Written by ais-backfiller. Output is deterministic: the same inputs give the same bytes.
`;

/** An augmented index repository with a work tree. */
export class AugmentedRepo {
  private constructor(
    readonly dir: string,
    readonly remote: string | undefined,
    private readonly token: string | undefined,
  ) {}

  /** Opens (or creates, or clones) the augmented index at `location` (a directory or an http(s) URL). */
  static async open(
    location: string,
    options: OpenAugmentedRepoOptions = {},
  ): Promise<AugmentedRepo> {
    const isUrl = /^https?:\/\//.test(location);
    const dir = isUrl ? options.cloneDir : location;
    if (!dir)
      throw new AugmentedIndexError(
        'AUGMENTED_REPO_INVALID',
        location,
        `${location}: a URL needs a clone directory`,
      );
    const onAuth = options.token
      ? () => ({ username: 'x-access-token', password: options.token })
      : undefined;
    try {
      if (!fs.existsSync(join(dir, '.git'))) {
        if (isUrl) {
          await mkdir(dir, { recursive: true });
          try {
            await git.clone({
              fs,
              http,
              dir,
              url: location,
              singleBranch: true,
              depth: 1,
              ...(onAuth ? { onAuth } : {}),
            });
          } catch (error) {
            // An empty remote repository has nothing to clone: start one and push to it later.
            if (!/empty|not found|Could not find/i.test((error as Error).message)) throw error;
            await git.init({ fs, dir, defaultBranch: 'master' });
            await git.addRemote({ fs, dir, remote: 'origin', url: location });
          }
        } else {
          await mkdir(dir, { recursive: true });
          await git.init({ fs, dir, defaultBranch: 'master' });
        }
      } else if (isUrl) {
        await git.fetch({
          fs,
          http,
          dir,
          singleBranch: true,
          depth: 1,
          ...(onAuth ? { onAuth } : {}),
        });
        const branch = (await git.currentBranch({ fs, dir })) ?? 'master';
        const remoteOid = await git
          .resolveRef({ fs, dir, ref: `refs/remotes/origin/${branch}` })
          .catch(() => undefined);
        if (remoteOid) {
          await git.writeRef({
            fs,
            dir,
            ref: `refs/heads/${branch}`,
            value: remoteOid,
            force: true,
          });
          await git.checkout({ fs, dir, ref: branch, force: true });
        }
      }
    } catch (error) {
      if (error instanceof AugmentedIndexError) throw error;
      throw new AugmentedIndexError(
        'AUGMENTED_GIT_FAILED',
        location,
        `cannot open augmented index ${location}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    const repo = new AugmentedRepo(dir, isUrl ? location : undefined, options.token);
    await repo.#ensureLayoutFiles(options.original);
    return repo;
  }

  async #ensureLayoutFiles(original: string | undefined): Promise<void> {
    const config = `${JSON.stringify({ schema: AUGMENTED_SCHEMA, augments: original ?? 'https://github.com/rust-lang/crates.io-index', format: 'https://github.com/example/lcs#augmented-index' }, null, 2)}\n`;
    if ((await this.read('README.md')) !== README) await this.write('README.md', README);
    if ((await this.read('config.json')) !== config) await this.write('config.json', config);
  }

  /** The text of a file of the work tree, or `undefined`. */
  async read(path: string): Promise<string | undefined> {
    return readFile(join(this.dir, path), 'utf8').catch(() => undefined);
  }

  /** Writes a work-tree file atomically, journaled for the next commit. */
  async write(path: string, content: string): Promise<void> {
    await appendFile(join(this.dir, '.git', 'ais-pending'), `${path}\n`);
    const target = join(this.dir, path);
    await mkdir(dirname(target), { recursive: true });
    const temp = `${target}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temp, content);
    await rename(temp, target);
  }

  /** Deletes a work-tree file (a crate deleted from the original index), journaled. */
  async remove(path: string): Promise<void> {
    await appendFile(join(this.dir, '.git', 'ais-pending'), `${path}\n`);
    await rm(join(this.dir, path), { force: true });
  }

  /** Paths written since the last commit (this run's and a crashed run's). */
  async pending(): Promise<string[]> {
    const text =
      (await readFile(join(this.dir, '.git', 'ais-pending'), 'utf8').catch(() => '')) ?? '';
    return [...new Set(text.split('\n').filter(Boolean))].sort();
  }

  /**
   * Commits the pending paths when any differs from HEAD; returns the new commit, or `null` when
   * nothing changed (no empty commits).
   */
  async commit(message: string, author: Author): Promise<string | null> {
    const paths = await this.pending();
    try {
      // One status walk and one add for all paths: per-path calls re-read the git index each time.
      // One cache for the whole commit: isomorphic-git then parses the index and trees once.
      const cache = {};
      const status = paths.length
        ? await git.statusMatrix({ fs, dir: this.dir, filepaths: paths, cache })
        : [];
      const present = status.filter(([, , workdir]) => workdir !== 0).map(([path]) => path);
      const removed = status
        .filter(([, head, workdir]) => workdir === 0 && head === 1)
        .map(([path]) => path);
      if (present.length)
        await git.add({ fs, dir: this.dir, filepath: present, cache, parallel: true });
      for (const path of removed) await git.remove({ fs, dir: this.dir, filepath: path, cache });
      const after = present.length
        ? await git.statusMatrix({ fs, dir: this.dir, filepaths: present, cache })
        : [];
      const changed =
        removed.length > 0 ||
        after.some(([, head, workdir, stage]) => !(head === 1 && workdir === 1 && stage === 1));
      const oid = changed
        ? await git.commit({
            fs,
            dir: this.dir,
            message,
            author: { ...author, timestamp: Math.floor(Date.now() / 1000) },
            cache,
          })
        : null;
      await rm(join(this.dir, '.git', 'ais-pending'), { force: true });
      return oid;
    } catch (error) {
      throw new AugmentedIndexError(
        'AUGMENTED_GIT_FAILED',
        this.dir,
        `commit failed: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  /** Pushes the current branch to `url` (default: the URL it was cloned from). */
  async push(url = this.remote): Promise<void> {
    if (!url)
      throw new AugmentedIndexError(
        'AUGMENTED_REPO_INVALID',
        this.dir,
        'no remote to push to: give an http(s) URL',
      );
    try {
      const result = await git.push({
        fs,
        http,
        dir: this.dir,
        url,
        ...(this.token
          ? { onAuth: () => ({ username: 'x-access-token', password: this.token }) }
          : {}),
      });
      if (!result.ok) throw new Error(result.error ?? 'rejected');
    } catch (error) {
      throw new AugmentedIndexError(
        'AUGMENTED_GIT_FAILED',
        url,
        `push to ${url} failed: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  /** The current commit, or `null` in a repository without commits. */
  async head(): Promise<string | null> {
    return git.resolveRef({ fs, dir: this.dir, ref: 'HEAD' }).catch(() => null);
  }
}
