/**
 * Reading crates on worker threads: gunzip, the tar walk and TOML parsing are CPU-bound, so a
 * first backfill uses every core. Crates are handed over by transfer (no copy back and forth), and
 * only the facts an entry needs come back.
 */
import { Worker } from 'node:worker_threads';
import { CargoManifestError, type CargoManifestErrorJSON } from '@lcs/cargo-manifest';
import { WorkerPool } from '@lcs/internal';
import type { CrateFacts } from '../fields/field.js';
import { AugmentedIndexError } from '../errors.js';

/** What is asked of a worker: one crate's bytes and the version the index says it is. */
interface Request {
  readonly bytes: Uint8Array;
  readonly expected: { name: string; version: string };
}

/** What a worker answers: the facts, a crate cargo would refuse, or another failure. */
interface Answer {
  readonly facts?: CrateFacts;
  readonly refused?: CargoManifestErrorJSON;
  readonly failed?: string;
}

/** A fixed pool of crate-reading worker threads. */
export class CrateParserPool {
  readonly #pool: WorkerPool<Request, CrateFacts, Answer>;

  /**
   * @param threads workers to start (at least 1).
   * @param workerUrl the worker module; the built `crate-parser-worker.js` beside this file by default.
   */
  constructor(
    threads: number,
    workerUrl: URL = new URL('./crate-parser-worker.js', import.meta.url),
  ) {
    this.#pool = new WorkerPool({
      threads,
      // No inherited flags: a test runner's or loader's options are not the worker's business.
      start: () => new Worker(workerUrl, { execArgv: [] }),
      encode: (request) => {
        // A copy the worker can own: the caller's buffer may share memory with Node's buffer pool.
        const bytes = new Uint8Array(request.bytes);
        return { message: { bytes, expected: request.expected }, transfer: [bytes.buffer] };
      },
      settle,
      failed: (reason) => workerFailed(`crate parser pool: ${reason}`),
    });
  }

  /** Reads one crate on a worker (same contract as `readCrateManifest`'s facts). */
  readonly parse = (
    bytes: Uint8Array,
    expected: { name: string; version: string },
  ): Promise<CrateFacts> => this.#pool.run({ bytes, expected });

  /** Stops the workers (tasks not started are refused). */
  close(): Promise<void> {
    return this.#pool.close();
  }
}

function settle(answer: Answer): CrateFacts {
  // A refused crate comes back as the class it was thrown as, fields and all.
  if (answer.refused) throw CargoManifestError.fromJSON(answer.refused);
  if (answer.failed !== undefined) throw workerFailed(answer.failed);
  if (!answer.facts) throw workerFailed('a crate parser worker answered nothing');
  return answer.facts;
}

function workerFailed(message: string): AugmentedIndexError {
  return new AugmentedIndexError('AUGMENTED_WORKER_FAILED', 'crate parser pool', message);
}
