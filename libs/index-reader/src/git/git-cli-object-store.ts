import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { promisify } from 'node:util';
import { IndexSourceError, UnknownRevisionError } from '../errors.js';
import type { GitObject, GitObjectStore, GitObjectType } from './git-object-store.js';

/** Bounds on how much of a pack `git cat-file` keeps mapped. */
const PACK_WINDOWS = ['-c', 'core.packedGitWindowSize=16m', '-c', 'core.packedGitLimit=64m'];

const execFileAsync = promisify(execFile);

interface Pending {
  readonly request: string;
  resolve(object: GitObject | undefined): void;
  reject(error: Error): void;
}

/**
 * Reads objects through one long-lived `git cat-file --batch` process
 * (https://git-scm.com/docs/git-cat-file#_batch_output). Requests are pipelined: many can be in
 * flight and git answers them in order, so a scan is bound by git's own speed, not round trips.
 */
export class GitCliObjectStore implements GitObjectStore {
  readonly gitdir: string;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending: Pending[] = [];
  private header: Buffer[] = [];
  private body: Buffer | undefined;
  private bodyFilled = 0;
  private bodyType: GitObjectType = 'blob';
  private failure: Error | undefined;

  private constructor(gitdir: string) {
    this.gitdir = gitdir;
    // git maps pack windows of 1 GiB up to 8 GiB by default, and a whole-index scan touches every
    // page of the pack, so its RSS grew to the pack's size (325 MiB at crates.io's 2 M versions).
    // Small windows under a low limit keep it bounded at no measured cost to a scan
    // (https://git-scm.com/docs/git-config#Documentation/git-config.txt-corepackedGitWindowSize).
    this.child = spawn('git', [...PACK_WINDOWS, '--git-dir', gitdir, 'cat-file', '--batch'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    this.child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    this.child.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    this.child.on('error', (e) => this.fail(e));
    this.child.on('close', (code) =>
      this.fail(`git cat-file exited with ${code}${stderr ? `: ${stderr.trim()}` : ''}`),
    );
    this.child.stdin.on('error', (e) => this.fail(e));
  }

  /**
   * Opens the repository at `gitdir` (a `.git` directory or a bare repository).
   * @throws {IndexSourceError} when git is not installed or `gitdir` is not a repository.
   */
  static async open(gitdir: string): Promise<GitCliObjectStore> {
    try {
      await execFileAsync('git', ['--git-dir', gitdir, 'rev-parse', '--git-dir']);
    } catch (cause) {
      throw new IndexSourceError(gitdir, 'not a git repository, or git is not installed', {
        cause,
      });
    }
    return new GitCliObjectStore(gitdir);
  }

  /** `true` when a `git` executable can be run. */
  static async available(): Promise<boolean> {
    try {
      await execFileAsync('git', ['--version']);
      return true;
    } catch {
      return false;
    }
  }

  readObject(oid: string): Promise<GitObject | undefined> {
    if (!/^[0-9a-f]{40}$/.test(oid)) {
      return Promise.reject(new IndexSourceError(this.gitdir, `not an object id: ${oid}`));
    }
    return this.request(oid);
  }

  async readPath(commit: string, path: string): Promise<Buffer | undefined> {
    // Paths come from validated crate names or fixed names; a newline would break the protocol.
    if (/[\n\r]/.test(path) || /[\n\r]/.test(commit)) {
      throw new IndexSourceError(this.gitdir, `invalid path ${JSON.stringify(path)}`);
    }
    const object = await this.request(`${commit}:${path}`);
    return object?.type === 'blob' ? object.data : undefined;
  }

  async resolveCommit(rev: string): Promise<string> {
    try {
      const { stdout } = await execFileAsync('git', [
        '--git-dir',
        this.gitdir,
        'rev-parse',
        '--verify',
        '--end-of-options',
        `${rev}^{commit}`,
      ]);
      return stdout.trim();
    } catch (cause) {
      throw new UnknownRevisionError(rev, this.gitdir, { cause });
    }
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const closed = new Promise<void>((resolve) => this.child.once('close', () => resolve()));
    this.child.stdin.end();
    await closed;
  }

  private request(name: string): Promise<GitObject | undefined> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.push({ request: name, resolve, reject });
      this.child.stdin.write(`${name}\n`);
    });
  }

  private fail(error: Error | string): void {
    if (!this.failure) {
      this.failure =
        typeof error === 'string'
          ? new IndexSourceError(this.gitdir, error)
          : new IndexSourceError(this.gitdir, error.message, { cause: error });
    }
    for (const p of this.pending.splice(0)) p.reject(this.failure);
  }

  private onData(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.body) {
        // Copy body bytes, then the trailing LF that follows every object.
        const need = this.body.length + 1 - this.bodyFilled;
        const take = Math.min(need, chunk.length - offset);
        const copyEnd = Math.min(take, this.body.length - this.bodyFilled);
        if (copyEnd > 0) chunk.copy(this.body, this.bodyFilled, offset, offset + copyEnd);
        this.bodyFilled += take;
        offset += take;
        if (this.bodyFilled === this.body.length + 1) {
          const data = this.body;
          this.body = undefined;
          this.pending.shift()?.resolve({ type: this.bodyType, data });
        }
        continue;
      }
      const nl = chunk.indexOf(0x0a, offset);
      if (nl === -1) {
        this.header.push(chunk.subarray(offset));
        return;
      }
      this.header.push(chunk.subarray(offset, nl));
      const line = Buffer.concat(this.header).toString('utf8');
      this.header = [];
      offset = nl + 1;
      this.onHeader(line);
    }
  }

  private onHeader(line: string): void {
    // "<oid> <type> <size>" or "<name> missing" / "<name> ambiguous".
    const match = /^[0-9a-f]{40} (blob|tree|commit|tag) (\d+)$/.exec(line);
    if (!match) {
      const p = this.pending.shift();
      if (line.endsWith(' missing')) p?.resolve(undefined);
      else p?.reject(new IndexSourceError(this.gitdir, `git cat-file: ${line}`));
      return;
    }
    this.bodyType = match[1] as GitObjectType;
    this.body = Buffer.allocUnsafe(Number(match[2]));
    this.bodyFilled = 0;
  }
}
