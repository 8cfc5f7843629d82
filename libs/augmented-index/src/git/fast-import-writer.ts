/**
 * {@link CommitWriter} over one `git fast-import` process
 * (https://git-scm.com/docs/git-fast-import): blobs stream into a pack as they are produced, and a
 * commit names only the changed paths; fast-import reads the parent's trees it needs and writes the
 * new ones. `checkpoint` then `progress` tells when the objects are on disk, so several commits
 * (checkpoints of a long run) share the process. No ref of the repository is touched but a private
 * staging ref, deleted by the caller's ref update.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  assertAuthor,
  type CommitRequest,
  type CommitWriter,
  type WrittenCommit,
} from './commit-writer.js';
import { AugmentedIndexError } from '../errors.js';
import { gitArgs, gitEnv, runGit } from './git-command.js';

const NEWLINE = Buffer.from('\n');

/** {@link CommitWriter} over `git fast-import`. */
export class FastImportWriter implements CommitWriter {
  private child: ChildProcessWithoutNullStreams | undefined;
  private nextMark = 1;
  private lines: string[] = [];
  private partial = '';
  private waiters: Array<{ line: string; resolve: (before: string | undefined) => void }> = [];
  private failure: Error | undefined;
  private stderr = '';
  /** A ref no other process uses: fast-import needs one to write a commit. */
  readonly stagingRef = `refs/ais/staging-${process.pid}-${randomBytes(4).toString('hex')}`;

  constructor(private readonly gitdir: string) {}

  async writeBlob(content: string): Promise<string> {
    const mark = `:${this.nextMark++}`;
    const body = Buffer.from(content, 'utf8');
    // One write per blob: concurrent callers' commands then never interleave, and it is one syscall.
    await this.write(
      Buffer.concat([Buffer.from(`blob\nmark ${mark}\ndata ${body.length}\n`), body, NEWLINE]),
    );
    return mark;
  }

  async commit(request: CommitRequest): Promise<WrittenCommit> {
    assertAuthor(request.author);
    const mark = `:${this.nextMark++}`;
    const ident = `${request.author.name} <${request.author.email}> ${Math.floor(request.time)} +0000`;
    const message = Buffer.from(request.message, 'utf8');
    let head = request.parent === null ? `reset ${this.stagingRef}\n` : '';
    head += `commit ${this.stagingRef}\nmark ${mark}\nauthor ${ident}\ncommitter ${ident}\ndata ${message.length}\n`;
    let body = request.parent === null ? '\n' : `\nfrom ${request.parent}\n`;
    for (const path of [...request.changes.keys()].sort()) {
      assertPath(path);
      const handle = request.changes.get(path);
      body += handle ? `M 100644 ${handle} ${path}\n` : `D ${path}\n`;
    }
    const token = `ais-commit${mark.slice(1)}`;
    const answered = this.waitFor(`progress ${token}`);
    body += `\ncheckpoint\nget-mark ${mark}\nprogress ${token}\n`;
    await this.write(Buffer.concat([Buffer.from(head), message, Buffer.from(body)]));
    const oid = await answered;
    if (!oid || !/^[0-9a-f]{40}$/.test(oid))
      throw this.error(`fast-import did not report the commit (${oid ?? 'nothing'})`);
    const { stdout } = await runGit(this.gitdir, ['rev-parse', `${oid}^{tree}`], this.gitdir);
    return { oid, tree: stdout.trim() };
  }

  async close(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
    child.stdin.end('done\n');
    const code = await closed;
    await runGit(this.gitdir, ['update-ref', '-d', this.stagingRef], this.gitdir).catch(
      () => undefined,
    );
    if (code !== 0 && !this.failure) throw this.error(`fast-import exited with ${code}`);
  }

  private start(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn(
      'git',
      gitArgs(this.gitdir, ['fast-import', '--quiet', '--done', '--force', '--depth=10']),
      { stdio: ['pipe', 'pipe', 'pipe'], env: gitEnv() },
    );
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => this.onOutput(chunk));
    child.stderr.on(
      'data',
      (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-2000)),
    );
    child.on('error', (e) => this.fail(e));
    child.on('close', (code) => {
      this.failure ??= this.error(
        code !== 0 ? `fast-import exited with ${code}` : 'fast-import ended',
      );
    });
    child.stdin.on('error', (e) => this.fail(e));
    this.child = child;
    return child;
  }

  private async write(data: string | Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    const child = this.start();
    if (!child.stdin.write(data)) {
      await new Promise<void>((resolve, reject) => {
        const onDrain = () => (child.off('close', onClose), resolve());
        const onClose = () => (child.stdin.off('drain', onDrain), reject(this.failure));
        child.stdin.once('drain', onDrain);
        child.once('close', onClose);
      });
    }
  }

  private waitFor(line: string): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.waiters.push({ line, resolve });
      this.child?.once('close', () => reject(this.failure ?? this.error('fast-import ended')));
    });
  }

  private onOutput(chunk: string): void {
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts) {
      const waiter = this.waiters[0];
      if (waiter && line === waiter.line) {
        this.waiters.shift();
        waiter.resolve(this.lines.at(-1));
        this.lines = [];
      } else this.lines.push(line);
    }
  }

  private fail(cause: Error): void {
    this.failure ??= this.error(cause.message, cause);
  }

  private error(message: string, cause?: Error): AugmentedIndexError {
    const detail = this.stderr.trim() ? `: ${this.stderr.trim()}` : '';
    return new AugmentedIndexError('AUGMENTED_GIT_FAILED', this.gitdir, `${message}${detail}`, {
      cause,
    });
  }
}

/**
 * Deletes the staging refs a killed writer left (`refs/ais/staging-*`). They only pin objects a
 * commit of the branch already holds, or a checkpoint the branch never took; deleting the ref of a
 * writer that is still running is harmless too (it rewrites its ref at its next checkpoint, and
 * reads commit ids from fast-import, not from the ref).
 */
export async function sweepStagingRefs(gitdir: string): Promise<void> {
  const { stdout } = await runGit(
    gitdir,
    ['for-each-ref', '--format=%(refname)', 'refs/ais/'],
    gitdir,
  );
  const refs = stdout.split('\n').filter((ref) => ref.startsWith('refs/ais/staging-'));
  if (refs.length === 0) return;
  await runGit(gitdir, ['update-ref', '--stdin'], gitdir, {
    input: refs.map((ref) => `delete ${ref}\n`).join(''),
  });
}

/** Paths come from validated crate names or fixed names; fast-import reads them unquoted. */
function assertPath(path: string): void {
  if (!/^[A-Za-z0-9._/-]+$/.test(path) || path.startsWith('/') || path.split('/').includes('..'))
    throw new AugmentedIndexError(
      'AUGMENTED_REPO_INVALID',
      path,
      `not a path the augmented index writes: ${JSON.stringify(path)}`,
    );
}
