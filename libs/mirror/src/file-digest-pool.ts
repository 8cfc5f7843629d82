/**
 * Hashing files of a store on local disk in worker threads. A scrub on one thread spends its time
 * in promise and stream overhead around each read, and the listing and the index scan wait behind
 * the hashing. Workers read with plain synchronous calls into one reused 1 MiB buffer, as
 * `sha256sum` does, so the main thread only lists, scans and classifies. Measured on the Debian
 * corpus (1,200 files, 97 MiB, page cache warm): 255 ms reading through `FileHandle.read` on the
 * main thread, 155 ms in two workers.
 *
 * The worker is a script given as source (`eval`), so it runs the same from `src/` under the test
 * runner and from `dist/`: there is no module file to resolve.
 */
import { Worker } from 'node:worker_threads';
import { StoreFailedError } from '@lcs/crate-store';
import { MirrorError } from './errors.js';
import type { StoredDigest } from './stored-digest.js';

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { closeSync, openSync, readSync } = require('node:fs');
const { createHash } = require('node:crypto');
const buffer = Buffer.allocUnsafe(1 << 20);
parentPort.on('message', ({ id, path }) => {
  let fd;
  try {
    fd = openSync(path, 'r');
    const hash = createHash('sha256');
    let bytes = 0;
    for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0; bytes += n)
      hash.update(buffer.subarray(0, n));
    parentPort.postMessage({ id, sha256: hash.digest('hex'), bytes });
  } catch (error) {
    parentPort.postMessage({ id, error: { code: error && error.code, message: String(error && error.message) } });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
});
`;

interface Task {
  readonly id: number;
  readonly path: string;
  resolve(digest: StoredDigest): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  task: Task | undefined;
}

interface Answer {
  readonly id: number;
  readonly sha256?: string;
  readonly bytes?: number;
  readonly error?: { readonly code: unknown; readonly message: string };
}

/** A fixed pool of threads hashing whole files. */
export class FileDigestPool {
  readonly #slots: Slot[] = [];
  readonly #queue: Task[] = [];
  #nextId = 1;
  #closed = false;

  /** @param threads workers to start (at least 1). */
  constructor(threads: number) {
    for (let i = 0; i < Math.max(1, threads); i++) this.#slots.push(this.#spawn());
  }

  /**
   * The sha256 and size of the file at `path`; `sha256` is `undefined` when there is no file.
   * @throws {StoreFailedError} when it cannot be read (its `cause` carries the errno `code`).
   */
  digest(path: string): Promise<StoredDigest> {
    return new Promise((resolve, reject) => {
      if (this.#closed) return reject(workerFailed('the file digest pool is closed'));
      this.#queue.push({ id: this.#nextId++, path, resolve, reject });
      this.#dispatch();
    });
  }

  /** Stops the workers; digests not started are refused. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const task of this.#queue.splice(0))
      task.reject(workerFailed('the file digest pool was closed'));
    await Promise.all(this.#slots.map((slot) => slot.worker.terminate()));
  }

  #spawn(): Slot {
    // No inherited flags: a test runner's or loader's options are not the worker's business.
    const slot: Slot = {
      worker: new Worker(WORKER_SOURCE, { eval: true, execArgv: [] }),
      task: undefined,
    };
    slot.worker.on('message', (answer: Answer) => {
      const task = slot.task;
      slot.task = undefined;
      if (task?.id === answer.id) settle(task, answer);
      this.#dispatch();
    });
    const lost = (error: Error) => {
      slot.task?.reject(error);
      slot.task = undefined;
      if (this.#closed) return;
      // A worker that died is replaced; the file it held fails (classified by the caller).
      const index = this.#slots.indexOf(slot);
      if (index >= 0) this.#slots[index] = this.#spawn();
      this.#dispatch();
    };
    slot.worker.on('error', lost);
    slot.worker.on('exit', (code) => {
      if (!this.#closed) lost(workerFailed(`a file digest worker exited with ${code}`));
    });
    return slot;
  }

  #dispatch(): void {
    for (const slot of this.#slots) {
      if (slot.task) continue;
      const task = this.#queue.shift();
      if (!task) return;
      slot.task = task;
      slot.worker.postMessage({ id: task.id, path: task.path });
    }
  }
}

function settle(task: Task, answer: Answer): void {
  if (!answer.error) {
    task.resolve({ sha256: answer.sha256, bytes: answer.bytes ?? 0 });
    return;
  }
  // Absent is an answer, not a failure: listed, then gone before it was read.
  if (answer.error.code === 'ENOENT') task.resolve({ sha256: undefined, bytes: 0 });
  else
    task.reject(
      new StoreFailedError(task.path, 'read', {
        cause: Object.assign(new Error(answer.error.message), { code: answer.error.code }),
      }),
    );
}

function workerFailed(message: string): MirrorError {
  return new MirrorError('VERIFY_WORKER_FAILED', 'file digest pool', message);
}
