/**
 * Which snapshot to open: the newest recorded one, an index commit, a ref of the index repository,
 * or a time (the newest recorded commit whose commit time is at or before it).
 */
import { SnapshotError } from './errors.js';

/** A point of {@link SnapshotReader.open}. */
export type SnapshotPoint =
  'latest' | { readonly commit: string } | { readonly ref: string } | { readonly time: Date };

const COMMIT = /^[0-9a-f]{40}$/;
// RFC 3339 date-time (https://www.rfc-editor.org/rfc/rfc3339#section-5.6): a full date, a time, and
// an offset; `Date.parse` alone would also take "2019", a local time, or an English date.
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** `true` for a full 40-hex commit id. */
export function isCommitId(text: string): boolean {
  return COMMIT.test(text);
}

/** Parses an RFC 3339 date-time; `undefined` when `text` is not one. */
export function parseRfc3339(text: string): Date | undefined {
  if (!RFC3339.test(text)) return undefined;
  const ms = Date.parse(text.replace(' ', 'T'));
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

/**
 * Reads a point as operators write it: `latest`, a 40-hex commit id, an RFC 3339 time
 * (`2019-11-10T00:00:00Z`), or, when `refs` is true, any other text as a ref (`HEAD~1`, a branch).
 * @throws {SnapshotError} `SNAPSHOT_POINT_INVALID` naming the text otherwise.
 */
export function parseSnapshotPoint(text: string, options: { refs?: boolean } = {}): SnapshotPoint {
  if (text === 'latest') return 'latest';
  if (COMMIT.test(text)) return { commit: text };
  const time = parseRfc3339(text);
  if (time) return { time };
  if (options.refs && /^[\w./~^@{}-]+$/.test(text) && !text.startsWith('-')) return { ref: text };
  throw new SnapshotError(
    'SNAPSHOT_POINT_INVALID',
    text,
    `${JSON.stringify(text)} is not a snapshot point: use latest, a 40-hex commit id${options.refs ? ', a ref' : ''} or an RFC 3339 time`,
  );
}

/**
 * Throws `SNAPSHOT_POINT_INVALID` unless `point` is a {@link SnapshotPoint} (checked at run time: a
 * caller from JavaScript gets a typed error naming what it passed, not a `TypeError`).
 */
export function assertSnapshotPoint(point: unknown): asserts point is SnapshotPoint {
  const p = point as Record<string, unknown> | null;
  const ok =
    point === 'latest' ||
    (typeof p === 'object' &&
      p !== null &&
      ((typeof p['commit'] === 'string' && COMMIT.test(p['commit'])) ||
        (typeof p['ref'] === 'string' && p['ref'] !== '' && !p['ref'].startsWith('-')) ||
        (p['time'] instanceof Date && !Number.isNaN(p['time'].getTime()))));
  if (!ok) {
    let shown: string;
    try {
      shown = String(JSON.stringify(point)).slice(0, 200);
    } catch {
      shown = String(point).slice(0, 200);
    }
    throw new SnapshotError(
      'SNAPSHOT_POINT_INVALID',
      shown,
      `${shown} is not a snapshot point: 'latest', { commit: <40 hex> }, { ref }, or { time: <valid Date> }`,
    );
  }
}
