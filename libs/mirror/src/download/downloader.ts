/**
 * Downloading one `.crate` into a store: streamed (the store hashes on the fly and refuses a
 * mismatch), with a deadline for the response headers, an idle deadline for the body (a stalled
 * response is cut) and a floor rate for the body (a trickling one is cut too), retries with exponential backoff and full jitter honouring `Retry-After`, and
 * an identifying `User-Agent` as crates.io's data access policy asks
 * (https://crates.io/data-access: "a user-agent ... with contact information").
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { fileURLToPath } from 'node:url';
import {
  CrateStoreError,
  type CrateStore,
  type CrateStoreErrorCode,
  type CrateToStore,
  type PutResult,
} from '@lcs/crate-store';
import { DownloadError, DownloadFailedError } from '../errors.js';
import { classifyFailure } from './failure.js';

/** Options of {@link Downloader}. */
export interface DownloaderOptions {
  /** e.g. `lcs-fetcher/0.1.0 (+mailto:mirror-admins@example.com)`. */
  readonly userAgent: string;
  /** Deadline for the response headers, ms (default 30 s). */
  readonly headersTimeoutMs?: number;
  /** Longest pause between two body chunks, ms (default 30 s). */
  readonly idleTimeoutMs?: number;
  /**
   * Floor rate of a body, bytes/s (default 10 KiB/s; 0: none). Past
   * a grace of `idleTimeoutMs` after the headers, a body that has averaged less is cut
   * (`DOWNLOAD_TOO_SLOW`) and retried: each attempt then ends within headers + grace +
   * size / rate + one idle timeout, whatever the server does.
   */
  readonly minBytesPerSecond?: number;
  /** Attempts per crate version (default 4). */
  readonly maxAttempts?: number;
  /** First backoff, ms (default 500); doubles each attempt, full jitter. */
  readonly backoffBaseMs?: number;
  /** Longest wait between attempts, ms, `Retry-After` included (default 60 s). */
  readonly backoffMaxMs?: number;
  /** Keep-alive connections per host (default 16). */
  readonly maxSockets?: number;
  /**
   * Largest `.crate` accepted, bytes (default {@link DEFAULT_MAX_CRATE_BYTES}): refused from its
   * Content-Length before reading, and cut when the body counts past it.
   */
  readonly maxBytes?: number;
  /**
   * Read `file://` URLs (an offline copy of a registry). Only for templates the operator gave:
   * an index must never choose to read local files.
   */
  readonly allowFileUrls?: boolean;
  /** Injected for tests; defaults to `setTimeout`. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Injected for tests: a number in [0, 1). */
  readonly random?: () => number;
}

/**
 * The default per-crate limit, 256 MiB: crates.io's upload limit is 10 MB unless the crates.io team
 * grants a crate more, and the few with such exceptions stay within tens of MB; 256 MiB keeps an
 * order of magnitude of headroom while bounding what a hostile or broken server can make a run
 * download and store.
 */
export const DEFAULT_MAX_CRATE_BYTES = 256 * 1024 * 1024;

/**
 * The default floor rate, 10 KiB/s: a CDN serves crates at MB/s, and a server below this is sick,
 * not slow. A 10 MB crate (crates.io's upload limit) still gets 30 s + 17 min an attempt.
 */
export const DEFAULT_MIN_BYTES_PER_SECOND = 10 * 1024;

/** Result of {@link Downloader.download}. */
export interface DownloadResult extends PutResult {
  /** Attempts used (1 when the first one worked). */
  readonly attempts: number;
}

/** Errors a store raises about the body or itself: passed through, not re-labelled as network trouble. */
const STORE_CODES: ReadonlySet<CrateStoreErrorCode> = new Set<CrateStoreErrorCode>([
  'CHECKSUM_MISMATCH',
  'STORE_CRATE_TOO_LARGE',
  'STORE_FAILED',
  'STORE_REF_INVALID',
]);

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** `Retry-After` as seconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** Downloads crates into a store. One instance serves a whole run. */
export class Downloader {
  readonly #options: Required<Omit<DownloaderOptions, 'maxSockets' | 'sleep' | 'random'>>;
  readonly #agents: { http: HttpAgent; https: HttpsAgent };
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #random: () => number;

  constructor(options: DownloaderOptions) {
    this.#options = {
      userAgent: options.userAgent,
      headersTimeoutMs: options.headersTimeoutMs ?? 30_000,
      idleTimeoutMs: options.idleTimeoutMs ?? 30_000,
      minBytesPerSecond: options.minBytesPerSecond ?? DEFAULT_MIN_BYTES_PER_SECOND,
      maxAttempts: options.maxAttempts ?? 4,
      backoffBaseMs: options.backoffBaseMs ?? 500,
      backoffMaxMs: options.backoffMaxMs ?? 60_000,
      maxBytes: options.maxBytes ?? DEFAULT_MAX_CRATE_BYTES,
      allowFileUrls: options.allowFileUrls ?? false,
    };
    // node:http with keep-alive rather than fetch(): Node streams cost about half of what fetch's
    // web streams cost per byte (measured in `npm run bench`).
    const agent = { keepAlive: true, maxSockets: options.maxSockets ?? 16 };
    this.#agents = { http: new HttpAgent(agent), https: new HttpsAgent(agent) };
    this.#sleep = options.sleep ?? abortableSleep;
    this.#random = options.random ?? Math.random;
  }

  /**
   * Downloads `url` into `store` as `crate`, retrying what can be retried.
   * @throws {DownloadFailedError} after the last attempt (or at once for a permanent failure).
   * @throws the signal's reason when `signal` aborts; nothing is stored then.
   */
  async download(
    url: string,
    crate: CrateToStore,
    store: CrateStore,
    signal?: AbortSignal,
    options: { readonly replace?: boolean } = {},
  ): Promise<DownloadResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.#attempt(url, crate, store, signal, options.replace === true);
        return { ...result, attempts: attempt };
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        const failure = classifyFailure(error);
        if (!failure.retryable || attempt >= this.#options.maxAttempts)
          throw new DownloadFailedError(error, attempt, url);
        await this.#sleep(this.#delay(attempt, error), signal);
      }
    }
  }

  /** GET with redirects followed (crates.io's API answers downloads with a 302 to its CDN). */
  async #get(url: string, signal: AbortSignal, redirects = 5): Promise<IncomingMessage> {
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    if (!secure && target.protocol !== 'http:') {
      throw new DownloadError(
        'DOWNLOAD_HTTP_STATUS',
        url,
        `unsupported protocol ${target.protocol}`,
        { status: 400 },
      );
    }
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const request = (secure ? httpsRequest : httpRequest)(
        target,
        {
          agent: secure ? this.#agents.https : this.#agents.http,
          headers: {
            'user-agent': this.#options.userAgent,
            accept: 'application/octet-stream, */*',
          },
          signal,
        },
        resolve,
      );
      request.on('error', reject);
      request.end();
    });
    const location = header(response.headers.location);
    if ([301, 302, 303, 307, 308].includes(response.statusCode ?? 0) && location) {
      response.resume();
      if (redirects === 0)
        throw new DownloadError('DOWNLOAD_HTTP_STATUS', url, 'too many redirects', {
          status: response.statusCode,
        });
      return this.#get(new URL(location, target).toString(), signal, redirects - 1);
    }
    return response;
  }

  /** Closes idle keep-alive connections (call at the end of a run). */
  close(): void {
    this.#agents.http.destroy();
    this.#agents.https.destroy();
  }

  #floor(url: string): (received: number) => DownloadError | undefined {
    return floorCheck(url, this.#options.minBytesPerSecond, this.#options.idleTimeoutMs);
  }

  /** Full jitter (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/), or Retry-After. */
  #delay(attempt: number, error: unknown): number {
    const retryAfter = error instanceof DownloadError ? error.retryAfterSeconds : undefined;
    if (retryAfter !== undefined) return Math.min(retryAfter * 1000, this.#options.backoffMaxMs);
    const cap = Math.min(
      this.#options.backoffMaxMs,
      this.#options.backoffBaseMs * 2 ** (attempt - 1),
    );
    return Math.floor(this.#random() * cap);
  }

  async #attempt(
    url: string,
    crate: CrateToStore,
    store: CrateStore,
    signal: AbortSignal | undefined,
    replace: boolean,
  ): Promise<PutResult> {
    if (url.startsWith('file:')) {
      if (!this.#options.allowFileUrls)
        throw new DownloadError(
          'DOWNLOAD_REFUSED',
          url,
          'file:// URLs are read only from a template the operator gives',
        );
      return store.put(crate, await readLocal(url, this.#options.maxBytes), { signal, replace });
    }
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    let timer = setTimeout(() => {
      timedOut = true;
      // The reason is never read: `timedOut` says what happened (a DOWNLOAD_TIMEOUT below).
      controller.abort();
    }, this.#options.headersTimeoutMs);
    const restartTimer = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, this.#options.idleTimeoutMs);
    };
    let received = 0;
    let expected: number | undefined;
    try {
      const response = await this.#get(url, controller.signal);
      const status = response.statusCode ?? 0;
      if (status < 200 || status >= 300) {
        response.resume();
        throw new DownloadError('DOWNLOAD_HTTP_STATUS', url, `HTTP ${status}`, {
          status,
          retryAfterSeconds: parseRetryAfter(header(response.headers['retry-after'])),
        });
      }
      const length = header(response.headers['content-length']);
      expected = length && /^\d+$/.test(length) ? Number(length) : undefined;
      const maxBytes = this.#options.maxBytes;
      if (expected !== undefined && expected > maxBytes) {
        response.destroy();
        throw tooLarge(url, `Content-Length ${expected}`, maxBytes);
      }
      restartTimer();
      const floor = this.#floor(url);
      const counted = (async function* () {
        for await (const chunk of response as AsyncIterable<Uint8Array>) {
          received += chunk.byteLength;
          if (received > maxBytes) {
            response.destroy();
            throw tooLarge(url, `${received} bytes read`, maxBytes);
          }
          const slow = floor(received);
          if (slow) {
            response.destroy();
            throw slow;
          }
          restartTimer();
          yield chunk;
        }
      })();
      return await store.put(crate, counted, { signal: controller.signal, replace });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (error instanceof DownloadError) throw error;
      const short = expected !== undefined && received < expected;
      // Classified by the store library's class and code union, not by the code's spelling.
      const code = error instanceof CrateStoreError ? error.code : undefined;
      if (code !== undefined && STORE_CODES.has(code)) {
        // A body cut short fails the digest too; say what happened, not what it caused.
        if (code === 'CHECKSUM_MISMATCH' && short) {
          throw new DownloadError(
            'DOWNLOAD_TRUNCATED',
            url,
            `body ended after ${received} of ${expected} bytes`,
            { cause: error },
          );
        }
        throw error;
      }
      if (timedOut) {
        const waited =
          received === 0 ? this.#options.headersTimeoutMs : this.#options.idleTimeoutMs;
        throw new DownloadError(
          'DOWNLOAD_TIMEOUT',
          url,
          `no data for ${waited} ms after ${received} bytes`,
          { cause: error },
        );
      }
      if (short) {
        throw new DownloadError(
          'DOWNLOAD_TRUNCATED',
          url,
          `body ended after ${received} of ${expected} bytes`,
          { cause: error },
        );
      }
      throw new DownloadError(
        'DOWNLOAD_NETWORK',
        url,
        `${(error as Error).message}${describeCause(error)}`,
        { cause: error },
      );
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

/**
 * The floor-rate check of one body, started at its headers: called with the bytes received so far,
 * it answers the error to cut the body with once they are fewer than the floor allows.
 */
function floorCheck(
  url: string,
  bytesPerSecond: number,
  graceMs: number,
): (received: number) => DownloadError | undefined {
  if (bytesPerSecond <= 0) return () => undefined;
  const start = performance.now();
  return (received) => {
    const elapsed = performance.now() - start;
    if (elapsed <= graceMs + (received * 1000) / bytesPerSecond) return undefined;
    return new DownloadError(
      'DOWNLOAD_TOO_SLOW',
      url,
      `${received} bytes in ${Math.round(elapsed)} ms, below the floor of ${bytesPerSecond} bytes/s`,
    );
  };
}

function tooLarge(url: string, what: string, maxBytes: number): DownloadError {
  return new DownloadError(
    'DOWNLOAD_TOO_LARGE',
    url,
    `${what}: over the limit of ${maxBytes} bytes per crate`,
  );
}

/**
 * Reads a `file://` download (an offline copy of a registry's files); a missing file is a 404.
 * Opened without blocking and checked to be a regular file: a FIFO or a device would otherwise
 * hang the run beyond every timeout and signal.
 */
async function readLocal(url: string, maxBytes: number): Promise<AsyncIterable<Uint8Array>> {
  const path = fileURLToPath(url);
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK).catch(
    (error: unknown) => {
      const status = (error as { code?: string }).code === 'ENOENT' ? 404 : 403;
      throw new DownloadError('DOWNLOAD_HTTP_STATUS', url, `${path}: ${(error as Error).message}`, {
        status,
        cause: error,
      });
    },
  );
  const info = await handle.stat();
  if (!info.isFile()) {
    await handle.close();
    throw new DownloadError('DOWNLOAD_REFUSED', url, `${path} is not a regular file`);
  }
  if (info.size > maxBytes) {
    await handle.close();
    throw tooLarge(url, `${path} has ${info.size} bytes`, maxBytes);
  }
  return handle.createReadStream();
}

function header(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause ? ` (${cause.code ?? cause.message ?? ''})` : '';
}
