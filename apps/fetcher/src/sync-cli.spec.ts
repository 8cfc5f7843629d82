/**
 * End-to-end: the real `lcs-fetcher sync` against the local registry simulator (git index over
 * smart HTTP and as a local repository, static downloads with injected faults), into the embedded
 * filesystem store and file metadata.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileMetadataStore, FsCrateStore, type StoredCrate } from '@lcs/crate-store';
import { indexPath } from '@lcs/index-reader';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startRegistrySimulator,
  type RegistrySimulator,
} from '../../../tools/test-servers/index.mjs';
import { run, start, until } from './test-support/cli.js';

let sim: RegistrySimulator;
let cwd: string;
const dirs: string[] = [];
beforeEach(async () => {
  sim = await startRegistrySimulator({ crates: 12, versionsPerCrate: 2 });
  cwd = mkdtempSync(join(tmpdir(), 'lcs-e2e-'));
  dirs.push(cwd);
});
afterEach(async () => {
  await sim.stop();
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const store = () => new FsCrateStore(join(cwd, '.lcs/store'));
async function storedIds(): Promise<string[]> {
  const ids: string[] = [];
  for await (const c of store().list() as AsyncIterable<StoredCrate>)
    ids.push(`${c.name}@${c.version}`);
  return ids.sort();
}
const sync = (...args: string[]) =>
  run(['sync', '--index', sim.indexPath, '--json', '--contact', 'e2e@example.com', ...args], {
    cwd,
  });
function tempFiles(): string[] {
  try {
    return readdirSync(join(cwd, '.lcs/store'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.tmp'))
      .map((e) => join(e.parentPath, e.name));
  } catch {
    return [];
  }
}

describe('lcs-fetcher sync (end to end)', () => {
  it('mirrors every version byte for byte, then syncs incrementally after publishes and yanks', async () => {
    const first = await sync();
    expect(first.code, first.stderr).toBe(0);
    // --json: stdout is the summary object and nothing else.
    expect(first.stdout.trim().split('\n')).toHaveLength(1);
    expect(first.summary).toMatchObject({
      status: 'ok',
      mode: 'full',
      scanned_crates: 12,
      scanned_versions: 24,
      downloaded: 24,
      failed: 0,
      missing: 0,
      cursor_moved: true,
    });
    expect(first.summary?.['index_commit']).toMatch(/^[0-9a-f]{40}$/);
    expect(await storedIds()).toEqual([...sim.published.keys()].sort());
    for (const [id, crate] of sim.published) {
      const [name, version] = id.split('@') as [string, string];
      const bytes = readFileSync(join(cwd, '.lcs/store/crates', name, `${name}-${version}.crate`));
      expect(createHash('sha256').update(bytes).digest('hex'), id).toBe(crate.cksum);
    }
    expect(sim.downloads.every((d) => d.userAgent?.includes('e2e@example.com'))).toBe(true);

    const [a = '', b = ''] = sim.names;
    await sim.publish(a, '0.2.0', { commit: false });
    await sim.publish('brand-new', '1.0.0', { commit: false });
    await sim.publish(b, '0.3.0', { yanked: true, commit: false });
    sim.yank(a, '0.1.0', { commit: false });
    sim.commit('publishes and yanks');
    const second = await sync();
    expect(second.code, second.stderr).toBe(0);
    expect(second.summary).toMatchObject({
      status: 'ok',
      mode: 'incremental',
      downloaded: 3,
      yank_changes: 1,
      scanned_crates: 3,
      previous_commit: first.summary?.['index_commit'],
    });
    expect(await storedIds()).toEqual([...sim.published.keys()].sort());
    expect(await store().has({ name: b, version: '0.3.0' })).toBe(true);

    const third = await sync();
    expect(third.summary).toMatchObject({
      status: 'ok',
      mode: 'incremental',
      downloaded: 0,
      scanned_crates: 0,
    });
  });

  it('replaces the stored copy of a version the index re-published with other bytes', async () => {
    expect((await sync()).code).toBe(0);
    const name = sim.names[2] ?? '';
    const republished = await sim.publish(name, '0.1.0', { salt: ' again' });
    const second = await sync();
    expect(second.code, second.stderr).toBe(0);
    expect(second.summary).toMatchObject({
      mode: 'incremental',
      downloaded: 1,
      deleted_versions: 0,
    });
    const bytes = readFileSync(join(cwd, '.lcs/store/crates', name, `${name}-0.1.0.crate`));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(republished.cksum);
  });

  it('clones the index over smart HTTP into --index-dir and stays incremental across runs', async () => {
    const indexDir = join(cwd, 'index-cache');
    const first = await run(['sync', '--index', sim.indexUrl, '--index-dir', indexDir, '--json'], {
      cwd,
    });
    expect(first.code, first.stderr).toBe(0);
    expect(first.summary).toMatchObject({ mode: 'full', downloaded: 24 });
    await sim.publish(sim.names[3] ?? '', '0.9.0');
    const second = await run(['sync', '--index', sim.indexUrl, '--index-dir', indexDir, '--json'], {
      cwd,
    });
    expect(second.summary).toMatchObject({ mode: 'incremental', downloaded: 1, status: 'ok' });
  });

  it('with --max-session-crates 0 plans and reports, downloads nothing, and exits 0 (a dry run)', async () => {
    const dry = await sync('--max-session-crates', '0');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.summary).toMatchObject({ downloaded: 0, deferred: 24, cursor_moved: false });
    expect(sim.downloads).toHaveLength(0);
    expect(await storedIds()).toEqual([]);
    const real = await sync();
    expect(real.summary).toMatchObject({ status: 'ok', downloaded: 24, cursor_moved: true });
  });

  it('caps downloads with --max-session-crates and keeps the cursor until the rest is done', async () => {
    const capped = await sync('--max-session-crates', '5');
    expect(capped.code).toBe(1);
    expect(capped.summary).toMatchObject({
      status: 'partial',
      downloaded: 5,
      deferred: 19,
      missing: 19,
      cursor_moved: false,
    });
    expect(await storedIds()).toHaveLength(5);
    const rest = await sync();
    expect(rest.code, rest.stderr).toBe(0);
    expect(rest.summary).toMatchObject({
      status: 'ok',
      mode: 'full',
      downloaded: 19,
      cursor_moved: true,
    });
  });

  it('records failures with their reason, stores nothing for them, and retries them next run', async () => {
    const [a = '', b = '', c = ''] = sim.names;
    sim.fault(`${a}@0.1.0`, { kind: 'wrong' });
    sim.fault(`${b}@0.1.1`, { kind: 'status', status: 500 });
    sim.fault(`${c}@0.1.0`, { kind: 'reset' });
    const failing = await sync('--max-attempts', '2');
    expect(failing.code).toBe(1);
    expect(failing.summary).toMatchObject({
      status: 'partial',
      failed: 3,
      retry_list: 3,
      downloaded: 21,
      cursor_moved: true,
    });
    const reasons = failing.logs
      .filter((l) => String(l['msg']).includes('failed'))
      .map((l) => [`${l['crate']}@${l['version']}`, l['reason']]);
    expect(reasons.sort()).toEqual(
      [
        [`${a}@0.1.0`, 'checksum'],
        [`${b}@0.1.1`, 'http_server'],
        [`${c}@0.1.0`, 'truncated'],
      ].sort(),
    );
    expect(await store().has({ name: a, version: '0.1.0' })).toBe(false);
    expect(tempFiles()).toEqual([]);
    const failures = JSON.parse(
      readFileSync(join(cwd, '.lcs/metadata/keys/fetcher/failures.value'), 'utf8'),
    ) as { items: Array<{ code: string; attempts: number }> };
    expect(failures.items.map((f) => f.attempts)).toEqual([2, 2, 2]);

    // `status` tells the same without reading files by hand, and takes no lock.
    const shown = await run(['status', '--json'], { cwd });
    expect(shown.code, shown.stderr).toBe(0);
    const status = JSON.parse(shown.stdout.trim()) as {
      cursor: { commit: string; age_s: number };
      lock_holder: string | null;
      retry_list: Array<{ name: string; code: string; attempts: number }>;
      runs: Array<{ status: string; downloaded: number }>;
    };
    expect(status.cursor.commit).toBe(failing.summary?.['index_commit']);
    expect(status.lock_holder).toBeNull();
    expect(status.retry_list.map((f) => `${f.name}:${f.attempts}`).sort()).toEqual(
      [`${a}:2`, `${b}:2`, `${c}:2`].sort(),
    );
    expect(status.runs[0]).toMatchObject({ status: 'partial', downloaded: 21 });
    const holder = await new FileMetadataStore(join(cwd, '.lcs/metadata')).acquireLock({
      owner: 'the CronJob pod',
    });
    // A "sync wanted" mark someone else left in the metadata store is shown, never trusted.
    await new FileMetadataStore(join(cwd, '.lcs/metadata')).put(
      'fetcher/sync-wanted',
      'not json {',
    );
    const human = await run(['status'], { cwd });
    const odd = await run(['status', '--json'], { cwd });
    expect(odd.code, odd.stderr).toBe(0);
    expect(JSON.parse(odd.stdout)).toMatchObject({ sync_wanted: { unreadable: 'not json {' } });
    await holder.release();
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('held by the CronJob pod');
    expect(human.stdout).toContain('retry list 3 versions');

    sim.clearFaults();
    const retry = await sync();
    expect(retry.code, retry.stderr).toBe(0);
    expect(retry.summary).toMatchObject({
      status: 'ok',
      mode: 'incremental',
      retried: 3,
      downloaded: 3,
      retry_list: 0,
    });
    expect(await storedIds()).toEqual([...sim.published.keys()].sort());
  });

  it('cuts a trickling download in bounded time and leaves it on the retry list', async () => {
    const [slow = ''] = sim.names;
    // Headers at once, then one byte every 200 ms: never a pause of --timeout-seconds.
    sim.fault(`${slow}@0.1.0`, { kind: 'trickle', everyMs: 200 });
    const started = performance.now();
    const failing = await sync(
      ...['--timeout-seconds', '1', '--min-bytes-per-second', '1024', '--max-attempts', '2'],
    );
    const seconds = (performance.now() - started) / 1000;
    expect(failing.code, failing.stderr).toBe(1);
    expect(failing.summary).toMatchObject({ status: 'partial', failed: 1, retry_list: 1 });
    // Two attempts of about 1 s each (the grace, then cut), the backoff, and the other 23 crates.
    expect(seconds).toBeLessThan(20);
    const shown = await run(['status', '--json'], { cwd });
    const status = JSON.parse(shown.stdout.trim()) as {
      retry_list: Array<{ name: string; version: string; code: string; attempts: number }>;
    };
    expect(status.retry_list).toMatchObject([
      { name: slow, version: '0.1.0', code: 'DOWNLOAD_TOO_SLOW', attempts: 2 },
    ]);
    expect(await store().has({ name: slow, version: '0.1.0' })).toBe(false);
    expect(tempFiles()).toEqual([]);
  });

  it('names each malformed index line in the logs, the summary, status and a metric', async () => {
    const [a = '', b = ''] = sim.names;
    const fileOf = (name: string) => join(sim.indexPath, indexPath(name));
    const good = readFileSync(fileOf(a), 'utf8');
    const entry = JSON.parse(good.split('\n')[0] ?? '') as Record<string, unknown>;
    const hostile = [
      '{not json',
      JSON.stringify({ ...entry, vers: 'latest' }),
      JSON.stringify({ ...entry, name: '../etc' }),
      JSON.stringify({ ...entry, name: b }),
    ];
    writeFileSync(fileOf(a), `${good}${hostile.join('\n')}\n`);
    sim.commit('hostile lines');
    const result = await sync('--metrics-file', join(cwd, 'lcs.prom'));
    // The good versions are all mirrored; the lines are reported, not fatal.
    expect(result.code, result.stderr).toBe(0);
    const file = indexPath(a);
    const lines = good.trim().split('\n').length;
    expect(result.summary).toMatchObject({ malformed_lines: 4 });
    expect(result.summary?.['malformed']).toMatchObject([
      { file, line: lines + 1, problem: 'not_json', excerpt: '{not json' },
      { file, line: lines + 2, problem: 'invalid_version' },
      { file, line: lines + 3, problem: 'invalid_name' },
      { file, line: lines + 4, problem: 'wrong_file' },
    ]);
    const warned = result.logs.filter((l) => String(l['msg']).startsWith('malformed index line'));
    expect(warned.map((l) => `${l['file']}:${l['line']} ${l['problem']}`)).toEqual([
      `${file}:${lines + 1} not_json`,
      `${file}:${lines + 2} invalid_version`,
      `${file}:${lines + 3} invalid_name`,
      `${file}:${lines + 4} wrong_file`,
    ]);
    const prom = readFileSync(join(cwd, 'lcs.prom'), 'utf8');
    expect(prom).toContain('lcs_fetcher_malformed_index_lines_total{problem="not_json"} 1');
    expect(prom).toContain('lcs_fetcher_malformed_index_lines_total{problem="wrong_file"} 1');

    const shown = await run(['status', '--json'], { cwd });
    const status = JSON.parse(shown.stdout.trim()) as { malformed: unknown };
    expect(status.malformed).toMatchObject({
      count: 4,
      files: [{ file, lines: [{ line: lines + 1, problem: 'not_json' }, {}, {}, {}] }],
    });
    const human = await run(['status'], { cwd });
    expect(human.stdout).toContain('malformed  4 index lines');
    expect(human.stdout).toContain(`${file}:${lines + 2}`);
  });

  it("with --reread finds stored copies that are not the index's bytes and replaces them", async () => {
    expect((await sync()).code).toBe(0);
    const [a = '', b = '', c = '', d = ''] = sim.names;
    const path = (name: string) => join(cwd, '.lcs/store/crates', name, `${name}-0.1.0.crate`);
    const original = (name: string) => sim.published.get(`${name}@0.1.0`)?.bytes ?? Buffer.alloc(0);
    // A short file (a full disk under an older release), a flipped byte, another crate's bytes.
    writeFileSync(path(a), original(a).subarray(0, 100));
    const flipped = Buffer.from(original(b));
    flipped[10] = (flipped[10] ?? 0) ^ 0xff;
    writeFileSync(path(b), flipped);
    writeFileSync(path(c), original(d));
    // The listing says only that the keys exist.
    const full = await sync('--full');
    expect(full.summary).toMatchObject({ status: 'ok', downloaded: 0 });

    // A repair whose download fails leaves the damaged copy where it was, on the retry list.
    sim.fault(`${c}@0.1.0`, { kind: 'status', status: 500 });
    const reread = await sync('--reread', '--max-attempts', '1');
    expect(reread.code, reread.stderr).toBe(1);
    expect(reread.summary).toMatchObject({ damaged: 3, downloaded: 2, failed: 1, retry_list: 1 });
    expect(readFileSync(path(a))).toEqual(original(a));
    expect(readFileSync(path(b))).toEqual(original(b));
    expect(readFileSync(path(c))).toEqual(original(d));
    const warned = reread.logs.filter((l) => String(l['msg']).includes('is not the index'));
    expect(warned.map((l) => l['crate']).sort()).toEqual([a, b, c].sort());

    // The next plain run reads the listed copy back (not just `has`) and mends it.
    sim.clearFaults();
    const retry = await sync();
    expect(retry.code, retry.stderr).toBe(0);
    expect(retry.summary).toMatchObject({ damaged: 1, downloaded: 1, retry_list: 0 });
    expect(readFileSync(path(c))).toEqual(original(c));
    expect(tempFiles()).toEqual([]);
  });

  it('exits 3 at once when another fetcher holds the lock', async () => {
    const lock = await new FileMetadataStore(join(cwd, '.lcs/metadata')).acquireLock({
      name: 'fetcher',
      owner: 'the other fetcher',
      ttlSeconds: 30,
    });
    const started = Date.now();
    const refused = await sync();
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('held by the other fetcher');
    // --json still ends stdout with one JSON line.
    expect(refused.summary).toMatchObject({ status: 'error', error: { code: 'LOCK_HELD' } });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await storedIds()).toEqual([]);
    await lock.release();
    expect((await sync()).code).toBe(0);
  });

  it('on SIGTERM stops taking work, leaves no trace of aborted downloads, and a rerun completes', async () => {
    for (const id of sim.published.keys()) sim.fault(id, { kind: 'stall' });
    const running = start(
      ['sync', '--index', sim.indexPath, '--json', '--drain-seconds', '1', '--concurrency', '4'],
      { cwd },
    );
    await until(() => sim.downloads.length >= 4);
    const signalled = Date.now();
    running.child.kill('SIGTERM');
    const stopped = await running.done;
    expect(Date.now() - signalled).toBeLessThan(8_000);
    // 128 + SIGTERM's 15, as a shell reports a signalled process; progress is saved.
    expect(stopped.code).toBe(143);
    expect(stopped.summary).toMatchObject({
      status: 'interrupted',
      cursor_moved: false,
      downloaded: 0,
    });
    expect(tempFiles()).toEqual([]);
    expect(await storedIds()).toEqual([]);
    // The lock was released: the next run starts at once and finishes the mirror.
    sim.clearFaults();
    const resumed = await sync();
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.summary).toMatchObject({ status: 'ok', downloaded: 24 });
  });

  it("after a SIGKILL mid-put, the next run removes the killed put's temporary files", async () => {
    // A body stalled after its first half: its temporary file exists and is never finished.
    for (const id of sim.published.keys()) sim.fault(id, { kind: 'stall' });
    const running = start(
      ['sync', '--index', sim.indexPath, '--json', '--concurrency', '4', '--timeout-seconds', '60'],
      { cwd },
    );
    await until(() => tempFiles().length >= 4);
    running.child.kill('SIGKILL');
    await running.done;
    const left = tempFiles();
    expect(left.length).toBeGreaterThanOrEqual(4);
    sim.clearFaults();
    const rerun = await sync();
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.summary).toMatchObject({ status: 'ok', downloaded: 24 });
    expect(tempFiles()).toEqual([]);
    expect(
      rerun.logs.some((l) => String(l['msg']).startsWith(`removed ${left.length} temporary files`)),
    ).toBe(true);
  });

  it('refuses an index whose config.json dl is a local file template, with exit 2 naming it', async () => {
    writeFileSync(
      join(sim.indexPath, 'config.json'),
      JSON.stringify({ dl: 'file:///etc/{crate}' }),
    );
    sim.commit('hostile dl');
    const refused = await sync();
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('file:///etc/{crate}');
    expect(refused.summary).toMatchObject({ status: 'error', error: { code: 'SYNC_DL_REFUSED' } });
    expect(await storedIds()).toEqual([]);
  });

  it('refuses bad configuration with exit 2, naming the flag or variable and the value', async () => {
    const badFlag = await run(['sync', '--concurrency', '0', '--json'], { cwd });
    expect(badFlag.code).toBe(2);
    expect(badFlag.messages).toContain('--concurrency "0"');
    expect(badFlag.summary).toMatchObject({ status: 'error', error: { code: 'CONFIG_INVALID' } });
    const badEnv = await run(['sync', '--index', sim.indexPath], {
      cwd,
      env: { LCS_STORE: 'gs://bucket' },
    });
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toContain('gs://bucket');
    const help = await run(['--help'], { cwd });
    expect(help.stdout).toContain('Exit status: 0 all done; 1 some versions failed');
    expect(help.stdout).toContain('LCS_MAX_SESSION_CRATES');
  });
});
