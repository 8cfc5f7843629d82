/**
 * The read API `lcs-fetcher serve` mounts under `/api/v1/`, for consumers that are not TypeScript:
 * - `GET /api/v1/changes?since=<commit>[&limit=N][&cursor=…]`: what moved from `since` to the
 *   newest recorded snapshot, paginated;
 * - `GET /api/v1/crates/{name}[?at=<commit|RFC 3339 time>]`: a crate's versions in a snapshot;
 * - `GET /api/v1/snapshots[?at=…][&limit=N][&cursor=…]`: the recorded history, newest first.
 * Requests in flight are capped (503 with `Retry-After` beyond), so a burst of readers cannot
 * starve the sync sharing the process; pages are capped too.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiProblem, checkBearer, sendJson, sendProblem } from './api-response.js';
import { changesRoute, crateRoute, decodeName, snapshotsRoute } from './api-routes.js';
import { SnapshotError, type SnapshotErrorCode } from '../errors.js';
import { SnapshotReader } from '../snapshot-reader.js';

/** Options of {@link createSnapshotApi}. */
export interface SnapshotApiOptions {
  /**
   * The reader, with the history (`latest`, times and `/snapshots` need it); or a function that
   * opens it, called again on each request until it succeeds (the index may not be fetched yet).
   */
  readonly reader: SnapshotReader | (() => Promise<SnapshotReader>);
  /** When set, every request needs `Authorization: Bearer <token>`. */
  readonly token?: string | undefined;
  /** Largest `limit` (default 1000); the default page is 100. */
  readonly maxPageSize?: number;
  /** Requests served at once (default 8); more get 503. */
  readonly maxConcurrent?: number;
  /**
   * Told the whole error behind each 5xx answer: clients get a message that names only what they
   * sent (never a server path or an internal message); the server's log gets this.
   */
  readonly onError?: (error: unknown, request: IncomingMessage) => void;
}

/** A request handler: `true` when the request was the API's (a path under `/api/`). */
export type SnapshotApiHandler = (
  request: IncomingMessage,
  response: ServerResponse,
) => Promise<boolean>;

const STATUS: Record<SnapshotErrorCode, number> = {
  SNAPSHOT_NOT_FOUND: 404,
  SNAPSHOT_COMMIT_UNKNOWN: 404,
  SNAPSHOT_POINT_INVALID: 400,
  SNAPSHOT_VERSION_UNKNOWN: 404,
  SNAPSHOT_NOT_MIRRORED: 404,
  SNAPSHOT_CHECKSUM_MISMATCH: 500,
  SNAPSHOT_HISTORY_CORRUPT: 500,
  SNAPSHOT_INDEX_UNSUPPORTED: 501,
};

/** Creates the API's handler (mounted by the fetcher's server). */
export function createSnapshotApi(options: SnapshotApiOptions): SnapshotApiHandler {
  const given = options.reader;
  // One open at a time: concurrent first requests share it; a failed open is tried again later.
  let opening: Promise<SnapshotReader> | undefined;
  const readerOf = (): Promise<SnapshotReader> => {
    if (given instanceof SnapshotReader) return Promise.resolve(given);
    opening ??= given().catch((error: unknown) => {
      opening = undefined;
      if (error instanceof SnapshotError) throw error;
      throw new ApiProblem(
        503,
        'API_UNAVAILABLE',
        'the index cannot be opened yet; retry later',
        undefined,
        { 'retry-after': '30' },
        error,
      );
    });
    return opening;
  };
  const maxPage = options.maxPageSize ?? 1000;
  const maxConcurrent = options.maxConcurrent ?? 8;
  let active = 0;

  async function route(request: IncomingMessage, url: URL): Promise<unknown> {
    if (options.token) checkBearer(request, options.token);
    if (request.method !== 'GET' && request.method !== 'HEAD')
      throw new ApiProblem(405, 'API_METHOD_NOT_ALLOWED', 'use GET', undefined, {
        allow: 'GET, HEAD',
      });
    const reader = await readerOf();
    const path = url.pathname;
    if (path === '/api/v1/changes') return changesRoute(reader, url, maxPage);
    if (path === '/api/v1/snapshots') return snapshotsRoute(reader, url, maxPage);
    const name = /^\/api\/v1\/crates\/([^/]+)$/.exec(path)?.[1];
    if (name !== undefined) return crateRoute(reader, url, decodeName(name));
    throw new ApiProblem(404, 'API_NOT_FOUND', `no route ${path}`);
  }

  return async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://api.invalid');
    if (!url.pathname.startsWith('/api/')) return false;
    if (active >= maxConcurrent) {
      sendProblem(
        request,
        response,
        new ApiProblem(503, 'API_BUSY', `${maxConcurrent} requests in flight; retry`, undefined, {
          'retry-after': '1',
        }),
      );
      return true;
    }
    active++;
    try {
      sendJson(request, response, 200, await route(request, url), { tagged: true });
    } catch (error) {
      if (error instanceof ApiProblem) {
        if (error.status >= 500) options.onError?.(error.cause ?? error, request);
        sendProblem(request, response, error);
      } else if (error instanceof SnapshotError) {
        if (STATUS[error.code] >= 500) options.onError?.(error, request);
        sendProblem(request, response, publicProblem(error, url));
      } else throw error;
    } finally {
      active--;
    }
    return true;
  };
}

/** What each library error means to a client, in words that hold nothing of the server's. */
const PUBLIC_MESSAGE: Record<SnapshotErrorCode, string> = {
  SNAPSHOT_NOT_FOUND:
    'no recorded snapshot there (none yet, none at or before that time, or never recorded)',
  SNAPSHOT_COMMIT_UNKNOWN: 'not a commit of the index',
  SNAPSHOT_POINT_INVALID: 'not a 40-hex commit id, a ref or an RFC 3339 time',
  SNAPSHOT_VERSION_UNKNOWN: 'no such version in this snapshot',
  SNAPSHOT_NOT_MIRRORED: 'not in the store (yet)',
  SNAPSHOT_CHECKSUM_MISMATCH: 'the stored bytes do not match the index checksum',
  SNAPSHOT_HISTORY_CORRUPT: 'the snapshot history cannot be read',
  SNAPSHOT_INDEX_UNSUPPORTED: 'the index cannot serve snapshots',
};

/**
 * The answer to a library error: its status and code, a fixed message, and the error's input only
 * when the client sent it (in the path or the query). A library message may name the index
 * repository's path or the store's location, which are the server's business.
 */
function publicProblem(error: SnapshotError, url: URL): ApiProblem {
  const sent = error.input.length > 0 && clientSent(url, error.input);
  return new ApiProblem(
    STATUS[error.code],
    error.code,
    sent ? `${error.input}: ${PUBLIC_MESSAGE[error.code]}` : PUBLIC_MESSAGE[error.code],
    error.code === 'SNAPSHOT_POINT_INVALID' ? 'at' : undefined,
  );
}

function clientSent(url: URL, input: string): boolean {
  let path = url.pathname;
  try {
    path = decodeURIComponent(path);
  } catch {
    // Not percent-encoding: compared as sent.
  }
  if (path.includes(input)) return true;
  for (const value of url.searchParams.values()) if (value.includes(input)) return true;
  return false;
}
