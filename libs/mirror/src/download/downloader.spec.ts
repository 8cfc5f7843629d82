/**
 * The downloader against the registry simulator's injected faults, over real loopback HTTP. After
 * every fault: nothing partial or wrong is stored, the failure says why, and a later attempt works.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsCrateStore } from '@lcs/crate-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startRegistrySimulator,
  type RegistrySimulator,
  type SimFault,
} from '../../../../tools/test-servers/index.mjs';
import { Downloader, parseRetryAfter } from './downloader.js';
import { DownloadFailedError } from '../errors.js';
import { classifyFailure } from './failure.js';

let sim: RegistrySimulator;
const dirs: string[] = [];
beforeAll(async () => {
  sim = await startRegistrySimulator({ crates: 13, versionsPerCrate: 1 });
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

/** Files of the store, crates and temporaries (`.tmp/`): a failed put must leave none. */
function files(store: FsCrateStore): string[] {
  try {
    return readdirSync(store.root, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name));
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

  it('cuts a trickling body at the floor rate, retries it, and ends in bounded time', async () => {
    const { crate, url, id } = target(12);
    // One byte every 100 ms after prompt headers: never idle for the 300 ms idle timeout.
    sim.fault(id, { kind: 'trickle', everyMs: 100 });
    const store = freshStore();
    const started = performance.now();
    const error = await downloader({ minBytesPerSecond: 1024 })
      .download(url, crate, store)
      .catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(DownloadFailedError);
    const last = (error as DownloadFailedError).lastError;
    expect(classifyFailure(last)).toMatchObject({
      reason: 'timeout',
      code: 'DOWNLOAD_TOO_SLOW',
      retryable: true,
    });
    expect((last as Error).message).toMatch(/below the floor of 1024 bytes\/s/);
    expect((error as DownloadFailedError).attempts).toBe(3);
    // Each attempt: the 300 ms grace plus a few bytes' worth of the floor, then cut.
    expect(elapsed).toBeLessThan(3 * 1_500);
    expect(files(store)).toEqual([]);
    sim.clearFaults();
  });

  it('stores a body that trickles above the floor rate', async () => {
    const { crate, url, id } = target(12);
    sim.fault(id, { kind: 'trickle', everyMs: 1, times: 1 });
    const store = freshStore();
    // One byte a millisecond is far above a floor of 1 byte/s: nothing is cut.
    expect(await downloader({ minBytesPerSecond: 1 }).download(url, crate, store)).toMatchObject({
      outcome: 'stored',
      attempts: 1,
    });
    sim.clearFaults();
  });

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
    const error = await downloader({ allowFileUrls: true })
      .download('file:///nonexistent/x.crate', crate, freshStore())
      .catch((e: unknown) => e);
    expect(classifyFailure((error as DownloadFailedError).lastError)).toMatchObject({
      reason: 'http_client',
      retryable: false,
    });
  });
});

describe('Downloader limits', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/liar') {
        // Claims 10 GiB and sends nothing: refused before a byte is read.
        res.writeHead(200, { 'content-length': String(10 * 1024 ** 3) });
        res.flushHeaders();
        return;
      }
      // Chunked, no length: only counting can stop it.
      res.writeHead(200, { 'content-type': 'application/gzip' });
      const chunk = Buffer.alloc(64 * 1024, 1);
      let sent = 0;
      const pump = () => {
        while (sent < 64 * 1024 * 1024 && res.write(chunk)) sent += chunk.length;
        if (sent < 64 * 1024 * 1024) res.once('drain', pump);
        else res.end();
      };
      res.on('close', () => res.removeAllListeners('drain'));
      pump();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });
  const crate = { name: 'big', version: '1.0.0', cksum: 'a'.repeat(64) };

  it('refuses a body whose Content-Length is over the limit, before reading it', async () => {
    const error = await downloader({ maxBytes: 1024 * 1024 })
      .download(`${base}/liar`, crate, freshStore())
      .catch((e: unknown) => e);
    expect((error as DownloadFailedError).attempts).toBe(1);
    expect((error as DownloadFailedError).lastError).toMatchObject({ code: 'DOWNLOAD_TOO_LARGE' });
    expect(classifyFailure((error as DownloadFailedError).lastError).reason).toBe('too_large');
  });

  it('cuts a body without a length once it counts past the limit, storing nothing', async () => {
    const store = freshStore();
    const error = await downloader({ maxBytes: 1024 * 1024 })
      .download(`${base}/endless`, crate, store)
      .catch((e: unknown) => e);
    expect((error as DownloadFailedError).lastError).toMatchObject({ code: 'DOWNLOAD_TOO_LARGE' });
    expect(files(store)).toEqual([]);
  });

  it('refuses file:// URLs unless the operator allowed them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lcs-local-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'secret'), 'not a crate');
    const error = await downloader()
      .download(`file://${dir}/secret`, crate, freshStore())
      .catch((e: unknown) => e);
    expect((error as DownloadFailedError).lastError).toMatchObject({ code: 'DOWNLOAD_REFUSED' });
    expect((error as Error).message).not.toContain('sha256');
  });

  it('refuses a FIFO at once instead of hanging on it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lcs-fifo-'));
    dirs.push(dir);
    execFileSync('mkfifo', [join(dir, 'pipe.crate')]);
    const error = await downloader({ allowFileUrls: true })
      .download(`file://${dir}/pipe.crate`, crate, freshStore())
      .catch((e: unknown) => e);
    expect((error as DownloadFailedError).lastError).toMatchObject({ code: 'DOWNLOAD_REFUSED' });
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
