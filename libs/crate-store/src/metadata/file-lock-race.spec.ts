/**
 * The file lock between real processes racing in the same millisecond: exactly one of them gets it,
 * round after round, whether the lock is free or held by a stale (expired) lock file.
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const RACER = resolve(import.meta.dirname, '../test-support/lock-racer.mjs');
const ROUNDS = 150;
const root = mkdtempSync(join(tmpdir(), 'lcs-lock-race-'));
let racers: ChildProcess[] = [];

function next(child: ChildProcess, type: string): Promise<Record<string, unknown>> {
  return new Promise((res) => {
    const on = (m: Record<string, unknown>) => {
      if (m['type'] !== type) return;
      child.off('message', on);
      res(m);
    };
    child.on('message', on);
  });
}

beforeAll(async () => {
  racers = [0, 1, 2].map(() => fork(RACER, [], { stdio: 'ignore', execArgv: [] }));
  await Promise.all(racers.map((r) => next(r, 'ready')));
});
afterAll(() => {
  racers.forEach((r) => r.send({ type: 'exit' }));
  rmSync(root, { recursive: true, force: true });
});

async function race(dir: string): Promise<number> {
  const at = Date.now() + 15;
  const results = racers.map((r) => next(r, 'result'));
  racers.forEach((r) => r.send({ type: 'go', dir, at }));
  const got = (await Promise.all(results)).filter((r) => r['got'] === true).length;
  const released = racers.map((r) => next(r, 'released'));
  racers.forEach((r) => r.send({ type: 'release' }));
  await Promise.all(released);
  return got;
}

describe('FileMetadataStore lock when its process exits without releasing it', () => {
  it('removes its own lock file on exit (a second SIGTERM exits at once)', () => {
    const dir = join(root, 'exit');
    const dist = resolve(import.meta.dirname, '../../dist/index.js');
    const script = `const { FileMetadataStore } = await import(${JSON.stringify(dist)});
await new FileMetadataStore(${JSON.stringify(dir)}).acquireLock({ name: 'fetcher' });
process.exit(1);`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script]);
    expect(result.status).toBe(1);
    expect(existsSync(join(dir, 'locks', 'fetcher.lock'))).toBe(false);
    expect(readdirSync(join(dir, 'locks'))).toEqual([]);
  });
});

describe('FileMetadataStore lock under a race between processes', () => {
  it(`gives a free lock to exactly one of three processes, ${ROUNDS} rounds`, async () => {
    const winners: number[] = [];
    for (let round = 0; round < ROUNDS; round++)
      winners.push(await race(join(root, `free-${round}`)));
    expect(winners.filter((w) => w !== 1)).toEqual([]);
  }, 120_000);

  it(`gives a stale lock to exactly one of three processes taking it over, ${ROUNDS} rounds`, async () => {
    const winners: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const dir = join(root, `stale-${round}`);
      mkdirSync(join(dir, 'locks'), { recursive: true });
      writeFileSync(
        join(dir, 'locks', 'fetcher.lock'),
        JSON.stringify({ owner: 'dead', token: 'old', host: 'elsewhere', pid: 1, expiresAt: 0 }),
      );
      winners.push(await race(dir));
    }
    expect(winners.filter((w) => w !== 1)).toEqual([]);
  }, 120_000);
});
