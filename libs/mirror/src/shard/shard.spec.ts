import { describe, expect, it } from 'vitest';
import { MirrorError } from '../errors.js';
import { inShard, parseShard, pathInShard, shardLabel, shardOf, shardStateName } from './index.js';

describe('shards', () => {
  it('hash with 32-bit FNV-1a, matching the published test vectors', () => {
    // Test vectors of the FNV reference (http://www.isthe.com/chongo/tech/comp/fnv/): the hash
    // modulo 2^32 is the hash itself, so any other tool computing FNV-1a agrees on the shard.
    expect(shardOf('a', 2 ** 32)).toBe(0xe40c292c);
    expect(shardOf('foobar', 2 ** 32)).toBe(0xbf9cf968);
    expect(shardOf('', 2 ** 32)).toBe(0x811c9dc5);
  });

  it('put every crate in exactly one shard, ignoring case, spread evenly', () => {
    const names = Array.from({ length: 30_000 }, (_, i) => `crate-${i.toString(36)}`);
    const count = 4;
    const sizes = new Array<number>(count).fill(0);
    const wrong: string[] = [];
    for (const name of names) {
      const owners = [0, 1, 2, 3].filter((index) => inShard(name, { index, count }));
      const upper = inShard(name.toUpperCase(), { index: owners[0] ?? -1, count });
      if (owners.length !== 1 || !upper) wrong.push(name);
      const owner = owners[0] ?? 0;
      sizes[owner] = (sizes[owner] ?? 0) + 1;
    }
    expect(wrong).toEqual([]);
    for (const size of sizes) expect(Math.abs(size - names.length / count)).toBeLessThan(400);
    expect(pathInShard('se/rd/serde', { index: shardOf('Serde', 3), count: 3 })).toBe(true);
    expect(inShard('anything', undefined)).toBe(true);
  });

  it('parse I/N and refuse anything else naming the text', () => {
    expect(parseShard('0/1')).toEqual({ index: 0, count: 1 });
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    for (const bad of ['3/3', '1', '-1/2', '0/0', '0/257', 'a/b', '1/2/3', '']) {
      let error: unknown;
      try {
        parseShard(bad);
      } catch (e) {
        error = e;
      }
      expect(error, bad).toBeInstanceOf(MirrorError);
      expect(error).toMatchObject({ code: 'SHARD_INVALID', input: bad });
    }
  });

  it('name each shard state apart, and the unsharded state as before', () => {
    expect(shardStateName('fetcher', undefined)).toBe('fetcher');
    expect(shardStateName('fetcher', { index: 1, count: 3 })).toBe('fetcher-shard-1-of-3');
    expect(shardLabel({ index: 1, count: 3 })).toBe('1-of-3');
  });
});
