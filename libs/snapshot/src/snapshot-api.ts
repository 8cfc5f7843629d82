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
import { InvalidCrateNameError } from '@lcs/index-reader';
import {
  ApiProblem,
  badParameter,
  checkBearer,
  decodeCursor,
  encodeCursor,
  limitOf,
  queryOf,
  sendJson,
  sendProblem,
} from './api-response.js';
import { SnapshotError, type SnapshotErrorCode } from './errors.js';
import type { SnapshotRecord } from './snapshot-history.js';
import { isCommitId, parseRfc3339, type SnapshotPoint } from './snapshot-point.js';
import { SnapshotReader, type SnapshotChange } from './snapshot-reader.js';
import type { SnapshotVersion } from './snapshot-version.js';

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

/** `at` as a point: a commit id or an RFC 3339 time; `latest` when absent. */
function pointOf(query: Map<string, string>): SnapshotPoint {
  const at = query.get('at');
  if (at === undefined) return 'latest';
  if (isCommitId(at)) return { commit: at };
  const time = parseRfc3339(at);
  if (time) return { time };
  throw badParameter(
    'at',
    `at must be a 40-hex commit id or an RFC 3339 time, got ${JSON.stringify(at)}`,
  );
}

const snapshotJson = (s: { commit: string; committedAt: string; mirroredAt: string | null }) => ({
  commit: s.commit,
  time: s.committedAt,
  mirrored_at: s.mirroredAt,
});

const recordJson = (r: SnapshotRecord) => ({ ...snapshotJson(r), missing: r.missing });

const changeJson = (c: SnapshotChange) => ({
  kind: c.kind,
  name: c.name,
  vers: c.vers,
  cksum: c.cksum,
  yanked: c.version.yanked === true,
  mirrored: c.version.mirrored,
});

interface ChangesCursor {
  readonly from: string;
  readonly to: string;
  readonly path: string;
  readonly index: number;
}

const isChangesCursor = (v: unknown): v is ChangesCursor => {
  const c = v as Partial<ChangesCursor>;
  return (
    typeof c === 'object' &&
    c !== null &&
    isCommitId(c.from ?? '') &&
    isCommitId(c.to ?? '') &&
    typeof c.path === 'string' &&
    Number.isInteger(c.index)
  );
};

const isBeforeCursor = (v: unknown): v is { before: string } =>
  typeof v === 'object' &&
  v !== null &&
  parseRfc3339(String((v as { before?: unknown }).before)) !== undefined;

function decodeName(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badParameter(
      'name',
      `the crate name ${JSON.stringify(segment)} is not valid percent-encoding`,
    );
  }
}

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
        `the index cannot be opened: ${(error as Error).message}`,
        undefined,
        { 'retry-after': '30' },
      );
    });
    return opening;
  };
  const maxPage = options.maxPageSize ?? 1000;
  const maxConcurrent = options.maxConcurrent ?? 8;
  let active = 0;

  async function changes(reader: SnapshotReader, url: URL) {
    const query = queryOf(url, ['since', 'limit', 'cursor']);
    const limit = limitOf(query, 100, maxPage);
    const text = query.get('cursor');
    const cursor = text === undefined ? undefined : decodeCursor(text, isChangesCursor);
    const since = query.get('since') ?? cursor?.from;
    if (since === undefined) throw badParameter('since', 'since is required: a 40-hex commit id');
    if (!isCommitId(since))
      throw badParameter('since', `since must be a 40-hex commit id, got ${JSON.stringify(since)}`);
    if (cursor && cursor.from !== since)
      throw badParameter('cursor', 'cursor belongs to another since');
    const from = await reader.open({ commit: since });
    // A page cursor pins `to`, so a snapshot recorded meanwhile does not shift the pages.
    const to = await reader.open(cursor ? { commit: cursor.to } : 'latest');
    const page: SnapshotChange[] = [];
    let more = false;
    const after = cursor ? { path: cursor.path, index: cursor.index } : undefined;
    for await (const change of reader.changes(from, to, after ? { after } : {})) {
      if (page.length === limit) {
        more = true;
        break;
      }
      page.push(change);
    }
    const last = page.at(-1);
    return {
      from: from.commit,
      to: to.commit,
      changes: page.map(changeJson),
      next:
        more && last ? encodeCursor({ from: from.commit, to: to.commit, ...last.position }) : null,
    };
  }

  async function crate(reader: SnapshotReader, url: URL, name: string) {
    const query = queryOf(url, ['at']);
    const snapshot = await reader.open(pointOf(query));
    let versions: SnapshotVersion[] | undefined;
    try {
      versions = await snapshot.versions(name);
    } catch (error) {
      if (error instanceof InvalidCrateNameError) throw badParameter('name', error.message);
      throw error;
    }
    if (!versions)
      throw new ApiProblem(
        404,
        'API_CRATE_NOT_FOUND',
        `no crate ${name} at ${snapshot.commit}`,
        'name',
      );
    return {
      name: versions[0]?.name ?? name,
      snapshot: snapshotJson(snapshot),
      augmented_commit: snapshot.augmentedCommit,
      versions,
    };
  }

  async function snapshots(reader: SnapshotReader, url: URL) {
    const query = queryOf(url, ['at', 'limit', 'cursor']);
    const limit = limitOf(query, 100, maxPage);
    const point = pointOf(query);
    const text = query.get('cursor');
    const before = text === undefined ? undefined : decodeCursor(text, isBeforeCursor).before;
    const history = reader.history;
    if (!history) throw new SnapshotError('SNAPSHOT_NOT_FOUND', 'snapshots', 'no snapshot history');
    const page: SnapshotRecord[] = [];
    // The history from `at` on: from the record of that commit, or the newest at or before that time.
    const starts = (record: SnapshotRecord): boolean =>
      point === 'latest' ||
      ('commit' in point
        ? record.commit === point.commit
        : 'time' in point && Date.parse(record.committedAt) <= point.time.getTime());
    let reached = false;
    let more = false;
    for await (const record of history.records()) {
      reached ||= starts(record);
      if (!reached) continue;
      if (before !== undefined && record.mirroredAt >= before) continue;
      if (page.length === limit) {
        more = true;
        break;
      }
      page.push(record);
    }
    if (!reached && typeof point === 'object' && 'commit' in point)
      throw new SnapshotError(
        'SNAPSHOT_NOT_FOUND',
        point.commit,
        `${point.commit} was never recorded`,
      );
    const last = page.at(-1);
    return {
      snapshots: page.map(recordJson),
      next: more && last ? encodeCursor({ before: last.mirroredAt }) : null,
    };
  }

  async function route(request: IncomingMessage, url: URL): Promise<unknown> {
    if (options.token) checkBearer(request, options.token);
    if (request.method !== 'GET' && request.method !== 'HEAD')
      throw new ApiProblem(405, 'API_METHOD_NOT_ALLOWED', 'use GET', undefined, {
        allow: 'GET, HEAD',
      });
    const reader = await readerOf();
    const path = url.pathname;
    if (path === '/api/v1/changes') return changes(reader, url);
    if (path === '/api/v1/snapshots') return snapshots(reader, url);
    const name = /^\/api\/v1\/crates\/([^/]+)$/.exec(path)?.[1];
    if (name !== undefined) return crate(reader, url, decodeName(name));
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
      if (error instanceof ApiProblem) sendProblem(request, response, error);
      else if (error instanceof SnapshotError)
        sendProblem(
          request,
          response,
          new ApiProblem(
            STATUS[error.code],
            error.code,
            error.message,
            error.code === 'SNAPSHOT_POINT_INVALID' ? 'at' : undefined,
          ),
        );
      else throw error;
    } finally {
      active--;
    }
    return true;
  };
}
