import { describe, expect, it } from 'vitest';
import { mapOrdered } from './map-ordered.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('mapOrdered', () => {
  it('yields in input order with at most `window` calls in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const out: number[] = [];
    for await (const v of mapOrdered([5, 1, 4, 2, 3, 0], 3, async (n) => {
      most = Math.max(most, ++inFlight);
      await wait(n * 3);
      inFlight--;
      return n * 10;
    }))
      out.push(v);
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
    expect(most).toBe(3);
  });

  it('throws the first failure in order, and closes the source when the consumer stops', async () => {
    let closed = false;
    async function* source() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    const failing = mapOrdered(source(), 2, async (n) => {
      if (n === 3) throw new RangeError('three');
      return n;
    });
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const v of failing) seen.push(v);
      })(),
    ).rejects.toThrow('three');
    expect(seen).toEqual([0, 1, 2]);
    expect(closed).toBe(true);
  });
});
