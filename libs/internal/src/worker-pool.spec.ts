/**
 * The pool answers each request from a worker, turns failure answers into the caller's errors,
 * replaces a worker that died (failing only the request it held), and refuses work once closed.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { WorkerPool } from './worker-pool.js';

// Doubles a number; `-1` is answered as a failure, `-2` kills the worker in the middle of it.
const SOURCE = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ id, request }) => {
  if (request === -2) process.exit(7);
  parentPort.postMessage({ id, answer: request === -1 ? { error: 'negative' } : { value: request * 2, thread: require('node:worker_threads').threadId } });
});
`;

class PoolFailed extends Error {}

function pool(threads: number) {
  return new WorkerPool<number, number, { value?: number; error?: string; thread?: number }>({
    threads,
    start: () => new Worker(SOURCE, { eval: true, execArgv: [] }),
    settle: (answer, request) => {
      if (answer.error !== undefined) throw new RangeError(`${request}: ${answer.error}`);
      return answer.value ?? Number.NaN;
    },
    failed: (reason) => new PoolFailed(reason),
  });
}

describe('WorkerPool', () => {
  it('answers every request, in any number, from its threads', async () => {
    const p = pool(3);
    try {
      const inputs = Array.from({ length: 50 }, (_, i) => i);
      await expect(Promise.all(inputs.map((i) => p.run(i)))).resolves.toEqual(
        inputs.map((i) => i * 2),
      );
    } finally {
      await p.close();
    }
  });

  it("rejects with the caller's error for a failure answer, and the worker goes on", async () => {
    const p = pool(1);
    try {
      await expect(p.run(-1)).rejects.toThrow(new RangeError('-1: negative'));
      await expect(p.run(4)).resolves.toBe(8);
    } finally {
      await p.close();
    }
  });

  it('fails only the request a dying worker held, and replaces the worker', async () => {
    const p = pool(1);
    try {
      const [dead, after] = await Promise.allSettled([p.run(-2), p.run(5)]);
      expect(dead.status).toBe('rejected');
      expect((dead as PromiseRejectedResult).reason).toBeInstanceOf(PoolFailed);
      expect(String((dead as PromiseRejectedResult).reason)).toContain('exited with 7');
      expect(after).toEqual({ status: 'fulfilled', value: 10 });
    } finally {
      await p.close();
    }
  });

  it('settles every request when closed: queued and in flight are refused, later ones too', async () => {
    const p = pool(1);
    const all = Promise.allSettled([p.run(1), p.run(2), p.run(3)]);
    await p.close();
    // The first one a worker held: a terminated worker never answers, so the pool refuses it.
    const settled = await all;
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(settled.map((s) => (s as PromiseRejectedResult).reason instanceof PoolFailed)).toEqual([
      true,
      true,
      true,
    ]);
    await expect(p.run(1)).rejects.toBeInstanceOf(PoolFailed);
  });
});
