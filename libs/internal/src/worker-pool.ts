/**
 * A fixed pool of worker threads, each given one request at a time. A worker that dies is
 * replaced, and the request it held fails with the pool's own error; requests not started when the
 * pool closes are refused. Memory holds the queue the caller builds (callers bound it by awaiting,
 * as the backfill's window and the scrub's launch do).
 *
 * The protocol: the pool posts `{ id, request }`, and the worker answers `{ id, answer }` once per
 * request. What a request and an answer hold, and what an answer means, is the caller's (its
 * `encode` and `settle`); errors cross as data (`toJSON`) and come back as their class.
 *
 * Used by: `@lcs/augmented-index` (`CrateParserPool`), `@lcs/mirror` (`FileDigestPool`).
 */
import { Worker, type Transferable } from 'node:worker_threads';

/** What {@link WorkerPool} needs to know of its workers and their messages. */
export interface WorkerPoolOptions<Request, Result, Answer> {
  /** Workers to start (at least 1). */
  readonly threads: number;
  /** Starts one worker. */
  start(): Worker;
  /** The message a worker gets for `request`, and what it takes ownership of. */
  encode?(request: Request): { readonly message: unknown; readonly transfer?: Transferable[] };
  /** The result of `request` from the worker's answer; it throws for an answer that is a failure. */
  settle(answer: Answer, request: Request): Result;
  /** The error a request gets when the pool is closed or its worker died. */
  failed(reason: string): Error;
}

interface Task<Request, Result> {
  readonly id: number;
  readonly request: Request;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

interface Slot<Request, Result> {
  worker: Worker;
  task: Task<Request, Result> | undefined;
}

/** A fixed pool of worker threads answering one request each at a time. */
export class WorkerPool<Request, Result, Answer = unknown> {
  readonly #o: WorkerPoolOptions<Request, Result, Answer>;
  readonly #slots: Slot<Request, Result>[] = [];
  readonly #queue: Task<Request, Result>[] = [];
  #nextId = 1;
  #closed = false;

  /** Starts `options.threads` workers. */
  constructor(options: WorkerPoolOptions<Request, Result, Answer>) {
    this.#o = options;
    for (let i = 0; i < Math.max(1, options.threads); i++) this.#slots.push(this.#spawn());
  }

  /** The result of `request`, from the first free worker. */
  run(request: Request): Promise<Result> {
    return new Promise((resolve, reject) => {
      if (this.#closed) return reject(this.#o.failed('the pool is closed'));
      this.#queue.push({ id: this.#nextId++, request, resolve, reject });
      this.#dispatch();
    });
  }

  /** Stops the workers; requests not started, and those a worker held, are refused. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const task of this.#queue.splice(0)) task.reject(this.#o.failed('the pool was closed'));
    await Promise.all(this.#slots.map((slot) => slot.worker.terminate()));
    // A terminated worker never answers: what it held would wait forever.
    for (const slot of this.#slots) {
      slot.task?.reject(this.#o.failed('the pool was closed'));
      slot.task = undefined;
    }
  }

  #spawn(): Slot<Request, Result> {
    const slot: Slot<Request, Result> = { worker: this.#o.start(), task: undefined };
    slot.worker.on('message', (message: { id: number; answer: Answer }) =>
      this.#answered(slot, message),
    );
    slot.worker.on('error', (error: Error) => this.#lost(slot, error));
    slot.worker.on('exit', (code) => {
      if (!this.#closed) this.#lost(slot, this.#o.failed(`a worker exited with ${code}`));
    });
    return slot;
  }

  #answered(slot: Slot<Request, Result>, message: { id: number; answer: Answer }): void {
    const task = slot.task;
    slot.task = undefined;
    if (task?.id === message.id) {
      try {
        task.resolve(this.#o.settle(message.answer, task.request));
      } catch (error) {
        task.reject(error);
      }
    }
    this.#dispatch();
  }

  #lost(slot: Slot<Request, Result>, error: Error): void {
    slot.task?.reject(error);
    slot.task = undefined;
    if (this.#closed) return;
    // A worker that died is replaced; the request it held fails (the caller classifies it).
    const index = this.#slots.indexOf(slot);
    if (index >= 0) this.#slots[index] = this.#spawn();
    this.#dispatch();
  }

  #dispatch(): void {
    for (const slot of this.#slots) {
      if (slot.task) continue;
      const task = this.#queue.shift();
      if (!task) return;
      slot.task = task;
      const { message, transfer } = this.#o.encode?.(task.request) ?? { message: task.request };
      slot.worker.postMessage({ id: task.id, request: message }, transfer);
    }
  }
}
