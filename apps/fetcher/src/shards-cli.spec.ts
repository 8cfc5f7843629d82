/**
 * End-to-end: a first fill by three `lcs-fetcher sync --shard I/3` processes at once into one S3
 * bucket (s3rver) with their cursors and locks in one etcd, as the pods of an Indexed Job run it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shardOf } from '@lcs/mirror/shard';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startEtcd,
  startRegistrySimulator,
  startS3rver,
  type RegistrySimulator,
  type TestServer,
} from '../../../tools/test-servers/index.mjs';
import { run, start, until } from './test-support/cli.js';

let sim: RegistrySimulator;
let s3: TestServer & { credentials: { accessKeyId: string; secretAccessKey: string } };
let etcd: TestServer & { hostPort: string };
let cwd: string;
beforeAll(async () => {
  [sim, s3, etcd] = await Promise.all([
    startRegistrySimulator({ crates: 24, versionsPerCrate: 2 }),
    startS3rver({ buckets: ['crates'] }),
    startEtcd(),
  ]);
  cwd = mkdtempSync(join(tmpdir(), 'lcs-shards-'));
});
afterAll(async () => {
  await Promise.all([sim.stop(), s3.stop(), etcd.stop()]);
  rmSync(cwd, { recursive: true, force: true });
});

const env = () => ({
  LCS_STORE: 's3://crates/mirror',
  LCS_METADATA: `etcd://${etcd.hostPort}/lcs-shards`,
  AWS_ENDPOINT_URL_S3: s3.endpoint,
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
  NODE_NO_WARNINGS: '1',
});
const args = (...extra: string[]) => [
  'sync',
  '--index',
  sim.indexPath,
  '--json',
  '--lock-ttl',
  '5',
  '--concurrency',
  '2',
  ...extra,
];

describe('lcs-fetcher sync --shard', () => {
  it('fills one bucket from three shards with no overlap; a killed shard blocks none and resumes; an unsharded run then downloads nothing', async () => {
    // Shard 1 stalls on one of its crates, and is killed there (a pod lost mid-run).
    const stalled = [...sim.published.keys()].find(
      (id) => shardOf(id.split('@')[0] ?? '', 3) === 1,
    );
    if (!stalled) throw new Error('no crate in shard 1');
    sim.fault(stalled, { kind: 'stall' });
    // One download at a time: when it is killed, only the stalled one is in flight, so its rerun
    // downloads again nothing it had already started (two slots made that a race, seen on CI).
    const victim = start(
      args('--shard', '1/3').map((a, i, all) => (all[i - 1] === '--concurrency' ? '1' : a)),
      { cwd, env: env() },
    );
    const [zero, two] = await Promise.all([
      run(args('--shard', '0/3', '--metrics-file', join(cwd, 'shard0.prom')), { cwd, env: env() }),
      // The Indexed Job's way: the count from the flag, the index from the Job.
      run(args('--shard-count', '3'), { cwd, env: { ...env(), JOB_COMPLETION_INDEX: '2' } }),
    ]);
    expect(zero.code, zero.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    expect(zero.summary).toMatchObject({ status: 'ok', shard: '0/3', cursor_moved: true });
    expect(two.summary).toMatchObject({ status: 'ok', shard: '2/3', cursor_moved: true });
    await until(() => sim.downloads.some((d) => d.id === stalled));
    victim.child.kill('SIGKILL');
    await victim.done;

    // Its lease outlives it for up to the TTL: the rerun is refused (exit 3), then resumes.
    const refused = await run(args('--shard', '1/3'), { cwd, env: env() });
    expect(refused.code).toBe(3);
    sim.clearFaults();
    let one = refused;
    for (let i = 0; i < 40 && one.code === 3; i++) {
      await new Promise((r) => setTimeout(r, 250));
      one = await run(args('--shard', '1/3'), { cwd, env: env() });
    }
    expect(one.code, one.stderr).toBe(0);
    expect(one.summary).toMatchObject({ status: 'ok', shard: '1/3', cursor_moved: true });

    // The union is the registry; no version was downloaded by two shards.
    const byShard = (s: number) =>
      [...sim.published.keys()].filter((id) => shardOf(id.split('@')[0] ?? '', 3) === s);
    expect(zero.summary?.['downloaded']).toBe(byShard(0).length);
    expect(two.summary?.['downloaded']).toBe(byShard(2).length);
    const got = sim.downloads.map((d) => d.id).filter((id) => id !== stalled);
    expect(new Set(got).size).toBe(got.length);
    expect(new Set([...got, stalled])).toEqual(new Set(sim.published.keys()));
    expect(
      Number(zero.summary?.['downloaded']) +
        Number(two.summary?.['downloaded']) +
        Number(one.summary?.['downloaded']) +
        Number(one.summary?.['already_stored'] ?? 0),
    ).toBeLessThanOrEqual(sim.published.size);
    expect(readFileSync(join(cwd, 'shard0.prom'), 'utf8')).toMatch(
      /downloaded_crates_total\{shard="0-of-3"\} \d+/,
    );

    const whole = await run(args(), { cwd, env: env() });
    expect(whole.code, whole.stderr).toBe(0);
    expect(whole.summary).toMatchObject({ shard: null, mode: 'full', downloaded: 0, status: 'ok' });
    expect(whole.summary?.['scanned_versions']).toBe(sim.published.size);
  }, 60_000);

  it('refuses a shard out of range and a count without the Job index, naming the input (exit 2)', async () => {
    const bad = await run(args('--shard', '3/3'), { cwd, env: env() });
    expect(bad.code).toBe(2);
    expect(bad.messages).toContain('"3/3"');
    const noIndex = await run(args('--shard-count', '4'), { cwd, env: env() });
    expect(noIndex.code).toBe(2);
    expect(noIndex.stderr).toContain('JOB_COMPLETION_INDEX');
    const both = await run(args('--shard', '0/2', '--shard-count', '2'), { cwd, env: env() });
    expect(both.code).toBe(2);
  });
});
