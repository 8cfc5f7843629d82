/**
 * The downloader against the registry simulator's injected faults, over real loopback HTTP. After
 * every fault: nothing partial or wrong is stored, the failure says why, and a later attempt works.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsCrateStore } from '@lcs/crate-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startRegistrySimulator,
  type RegistrySimulator,
  type SimFault,
} from '../../../tools/test-servers/index.mjs';
import { Downloader, DownloadFailedError, parseRetryAfter } from './downloader.js';
import { classifyFailure } from './failure.js';

let sim: RegistrySimulator;
const dirs: string[] = [];
beforeAll(async () => {
  sim = await startRegistrySimulator({ crates: 12, versionsPerCrate: 1 });
});
afterAll(async () => {
  await sim.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function freshStore(): FsCrateStore {
  const dir = mkdtempSync(join(tmpdir(), 'lcs-dl-'));
  dirs.push(dir);
  return new FsCrateStore(dir);
}

const sleeps: number[] = [];
function downloader(
  overrides: Partial<ConstructorParameters<typeof Downloader>[0]> = {},
): Downloader {
  return new Downloader({
    userAgent: 'lcs-fetcher/test (+ops@example.com)',
    headersTimeoutMs: 2_000,
    idleTimeoutMs: 300,
    maxAttempts: 3,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    ...overrides,
  });
}

function target(i: number) {
  const name = sim.names[i] ?? '';
  const crate = sim.published.get(`${name}@0.1.0`);
  if (!crate) throw new Error('no crate');
  return {
    crate: { name, version: '0.1.0', cksum: crate.cksum },
    url: `${sim.dlBase}/${name}/${name}-0.1.0.crate`,
    id: `${name}@0.1.0`,
  };
}

/** Files under the store's crate dirs, temporaries included: a failed put must leave none. */
function files(store: FsCrateStore): string[] {
  try {
    return readdirSync(join(store.root, 'crates'), { recursive: true })
      .map(String)
      .filter((f) => f.includes('.'));
  } catch {
    return [];
  }
}

const faults: Array<[string, SimFault, string, string]> = [
  ['connection reset mid-body', { kind: 'reset' }, 'truncated', 'DOWNLOAD_TRUNCATED'],
  ['truncated body (chunked)', { kind: 'truncate' }, 'checksum', 'CHECKSUM_MISMATCH'],
  ['wrong bytes', { kind: 'wrong' }, 'checksum', 'CHECKSUM_MISMATCH'],
  ['HTTP 500', { kind: 'status', status: 500 }, 'http_server', 'DOWNLOAD_HTTP_STATUS'],
  ['HTTP 503', { kind: 'status', status: 503 }, 'http_server', 'DOWNLOAD_HTTP_STATUS'],
  [
    'HTTP 429 with Retry-After',
    { kind: 'status', status: 429, retryAfter: 7 },
    'rate_limited',
    'DOWNLOAD_HTTP_STATUS',
  ],
  ['stalled response', { kind: 'stall' }, 'timeout', 'DOWNLOAD_TIMEOUT'],
];

describe('Downloader fault handling', () => {
  it.each(faults.map((f, i) => [...f, i] as const))(
    '%s: refused, nothing stored, then stored once the fault clears',
    async (_label, fault, reason, code, i) => {
      const { crate, url, id } = target(i);
      const store = freshStore();
      sim.fault(id, fault);
      const error = await downloader()
        .download(url, crate, store)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DownloadFailedError);
      const failure = classifyFailure((error as DownloadFailedError).lastError);
      expect(failure.reason).toBe(reason);
      expect(failure.code).toBe(code);
      expect((error as DownloadFailedError).attempts).toBe(3);
      expect(await store.has(crate)).toBe(false);
      expect(files(store)).toEqual([]);
      sim.clearFaults();
      expect(await downloader().download(url, crate, store)).toMatchObject({
        outcome: 'stored',
        attempts: 1,
      });
    },
  );

  it('retries a transient fault and stores on the next attempt', async () => {
    const { crate, url, id } = target(8);
    sim.fault(id, { kind: 'reset', times: 1 });
    const store = freshStore();
    expect(await downloader().download(url, crate, store)).toMatchObject({
      outcome: 'stored',
      attempts: 2,
    });
  });

  it('honours Retry-After between attempts, capped by backoffMaxMs', async () => {
    const { crate, url, id } = target(9);
    sim.fault(id, { kind: 'status', status: 429, retryAfter: 3, times: 2 });
    sleeps.length = 0;
    await downloader({ backoffMaxMs: 60_000 }).download(url, crate, freshStore());
    expect(sleeps).toEqual([3000, 3000]);
    sim.fault(id, { kind: 'status', status: 503, retryAfter: 120, times: 1 });
    sleeps.length = 0;
    await downloader({ backoffMaxMs: 10_000 }).download(url, crate, freshStore());
    expect(sleeps).toEqual([10_000]);
  });

  it('does not retry a 404 and sends its User-Agent', async () => {
    const { crate } = target(10);
    const url = `${sim.dlBase}/${crate.name}/${crate.name}-9.9.9.crate`;
    const error = await downloader()
      .download(url, crate, freshStore())
      .catch((e: unknown) => e);
    expect((error as DownloadFailedError).attempts).toBe(1);
    expect(classifyFailure((error as DownloadFailedError).lastError).reason).toBe('http_client');
    expect(sim.downloads.at(-1)?.userAgent).toBe('lcs-fetcher/test (+ops@example.com)');
  });

  it('stops at once when its signal aborts, storing nothing', async () => {
    const { crate, url, id } = target(11);
    sim.fault(id, { kind: 'stall' });
    const store = freshStore();
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('SIGTERM')), 100);
    await expect(
      downloader({ idleTimeoutMs: 10_000 }).download(url, crate, store, controller.signal),
    ).rejects.toThrow('SIGTERM');
    expect(files(store)).toEqual([]);
    sim.clearFaults();
  });

  it('reads file:// templates (offline copies) and treats a missing file as 404', async () => {
    const { crate } = target(0);
    const error = await downloader()
      .download('file:///nonexistent/x.crate', crate, freshStore())
      .catch((e: unknown) => e);
    expect(classifyFailure((error as DownloadFailedError).lastError)).toMatchObject({
      reason: 'http_client',
      retryable: false,
    });
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('120')).toBe(120);
    expect(
      parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')),
    ).toBe(10);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});
