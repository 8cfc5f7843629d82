import { describe, expect, it } from 'vitest';
import { runBounded } from './bounded-pool.js';

async function* numbers(n: number, read: number[] = []): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) {
    read.push(i);
    yield i;
  }
}

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('runBounded', () => {
  it('never runs more than `concurrency` tasks at once, and awaits every one', async () => {
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    const result = await runBounded(
      numbers(50),
      async (i) => {
        running++;
        peak = Math.max(peak, running);
        await tick();
        running--;
        done.push(i);
      },
      { concurrency: 4 },
    );
    expect(peak).toBe(4);
    expect(done.sort((a, b) => a - b)).toEqual([...Array(50).keys()]);
    expect(result).toEqual({ started: 50, deferred: 0, complete: true });
  });

  it('reads the stream only as fast as work drains', async () => {
    const read: number[] = [];
    let maxAhead = 0;
    const finished: number[] = [];
    await runBounded(
      numbers(30, read),
      async (i) => {
        maxAhead = Math.max(maxAhead, read.length - finished.length);
        await tick();
        finished.push(i);
      },
      { concurrency: 3 },
    );
    expect(maxAhead).toBeLessThanOrEqual(3);
  });

  it('defers what is past `max` and reports each deferred item', async () => {
    const skipped: Array<[number, string]> = [];
    const result = await runBounded(numbers(10), async () => undefined, {
      concurrency: 2,
      max: 6,
      onSkipped: (i, why) => void skipped.push([i, why]),
    });
    expect(result).toEqual({ started: 6, deferred: 4, complete: true });
    expect(skipped).toEqual([
      [6, 'deferred'],
      [7, 'deferred'],
      [8, 'deferred'],
      [9, 'deferred'],
    ]);
  });

  it('stops taking work once asked, reports the item the stop met, and still awaits running tasks', async () => {
    let stop = false;
    const finished: number[] = [];
    const skipped: Array<[number, string]> = [];
    const result = await runBounded(
      numbers(100),
      async (i) => {
        if (i === 4) stop = true;
        await tick();
        finished.push(i);
      },
      { concurrency: 2, stopping: () => stop, onSkipped: (i, why) => void skipped.push([i, why]) },
    );
    expect(result.complete).toBe(false);
    expect(result.started).toBe(finished.length);
    expect(skipped).toHaveLength(1);
    expect(skipped[0]?.[1]).toBe('stopped');
    expect(result.started).toBeLessThan(10);
  });
});
