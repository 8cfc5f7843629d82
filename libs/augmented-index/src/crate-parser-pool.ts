/**
 * Reading crates on worker threads: gunzip, the tar walk and TOML parsing are CPU-bound, so a
 * first backfill uses every core. Crates are handed over by transfer (no copy back and forth), and
 * only the facts an entry needs come back.
 */
import { Worker } from 'node:worker_threads';
import { CargoManifestError, type CargoManifestErrorJSON } from '@lcs/cargo-manifest';
import type { CrateFacts } from './entry-from-crate.js';
import { AugmentedIndexError } from './errors.js';

interface Task {
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly expected: { name: string; version: string };
  resolve(facts: CrateFacts): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  task: Task | undefined;
}

/** What a worker answers: the facts, a crate cargo would refuse, or another failure. */
interface Answer {
  readonly id: number;
  readonly facts?: CrateFacts;
  readonly refused?: CargoManifestErrorJSON;
  readonly failed?: string;
}

/** A fixed pool of crate-reading worker threads. */
export class CrateParserPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;

  /**
   * @param threads workers to start (at least 1).
   * @param workerUrl the worker module; the built `crate-parser-worker.js` beside this file by default.
   */
  constructor(
    threads: number,
    private readonly workerUrl: URL = new URL('./crate-parser-worker.js', import.meta.url),
  ) {
    for (let i = 0; i < Math.max(1, threads); i++) this.slots.push(this.spawn());
  }

  /** Reads one crate on a worker (same contract as `readCrateManifest`'s facts). */
  readonly parse = (
    bytes: Uint8Array,
    expected: { name: string; version: string },
  ): Promise<CrateFacts> =>
    new Promise((resolve, reject) => {
      if (this.closed) return reject(workerFailed('the crate parser pool is closed'));
      this.queue.push({ id: this.nextId++, bytes, expected, resolve, reject });
      this.dispatch();
    });

  /** Stops the workers (tasks not started are refused). */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0))
      task.reject(workerFailed('the crate parser pool was closed'));
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  private spawn(): Slot {
    // No inherited flags: a test runner's or loader's options are not the worker's business.
    const slot: Slot = { worker: new Worker(this.workerUrl, { execArgv: [] }), task: undefined };
    slot.worker.on('message', (answer: Answer) => {
      const task = slot.task;
      slot.task = undefined;
      if (task && task.id === answer.id) {
        // A refused crate comes back as the class it was thrown as, fields and all.
        if (answer.refused) task.reject(CargoManifestError.fromJSON(answer.refused));
        else if (answer.failed !== undefined) task.reject(workerFailed(answer.failed));
        else if (answer.facts) task.resolve(answer.facts);
      }
      this.dispatch();
    });
    const lost = (error: Error) => {
      slot.task?.reject(error);
      slot.task = undefined;
      if (this.closed) return;
      // A worker that died is replaced; the crate it held fails this run (not recorded as bad).
      const index = this.slots.indexOf(slot);
      if (index >= 0) this.slots[index] = this.spawn();
      this.dispatch();
    };
    slot.worker.on('error', lost);
    slot.worker.on('exit', (code) => {
      if (!this.closed) lost(workerFailed(`a crate parser worker exited with ${code}`));
    });
    return slot;
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.task) continue;
      const task = this.queue.shift();
      if (!task) return;
      slot.task = task;
      // A copy the worker can own: the caller's buffer may share memory with Node's buffer pool.
      const bytes = new Uint8Array(task.bytes);
      slot.worker.postMessage({ id: task.id, bytes, expected: task.expected }, [bytes.buffer]);
    }
  }
}

function workerFailed(message: string): AugmentedIndexError {
  return new AugmentedIndexError('AUGMENTED_WORKER_FAILED', 'crate parser pool', message);
}
