/**
 * The read API's routes: each reads its query (refusing unknown parameters), opens the snapshots
 * it needs and returns the JSON body; `createSnapshotApi` does the rest (token, cap, errors, ETag).
 */
import { InvalidCrateNameError } from '@lcs/index-reader';
import {
  ApiProblem,
  badParameter,
  decodeCursor,
  encodeCursor,
  limitOf,
  queryOf,
} from './api-response.js';
import { SnapshotError } from '../errors.js';
import type { SnapshotRecord } from '../history/snapshot-history.js';
import { isCommitId, parseRfc3339, type SnapshotPoint } from '../snapshot-point.js';
import type { SnapshotChange, SnapshotReader } from '../snapshot-reader.js';
import type { SnapshotVersion } from '../snapshot-version.js';

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

/** A path segment as a crate name; a 400 naming `name` when it is not valid percent-encoding. */
export function decodeName(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badParameter(
      'name',
      `the crate name ${JSON.stringify(segment)} is not valid percent-encoding`,
    );
  }
}

/** `GET /api/v1/changes?since=<commit>[&limit=N][&cursor=C]`. */
export async function changesRoute(reader: SnapshotReader, url: URL, maxPage: number) {
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

/** `GET /api/v1/crates/{name}[?at=<commit or RFC 3339 time>]`. */
export async function crateRoute(reader: SnapshotReader, url: URL, name: string) {
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

/** `GET /api/v1/snapshots[?at=…][&limit=N][&cursor=C]`. */
export async function snapshotsRoute(reader: SnapshotReader, url: URL, maxPage: number) {
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
