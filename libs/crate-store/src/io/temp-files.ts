/**
 * Temporary files of a put (the filesystem store's `.tmp`, the S3 store's spool files) name their
 * owner: the host, the process id and a token drawn once per process. A run then sweeps what dead
 * writers left behind at once, instead of waiting for a listing an hour later:
 * - a file of this host whose process is gone (`kill(pid, 0)` answers ESRCH), or whose process id
 *   is this process's own with another token (a restarted container is pid 1 again); a file of a
 *   live process of this host is kept, however old (a spool file is not written while it uploads);
 * - a file of another host, or of a name from an older release, untouched for longer than the
 *   caller's `olderThanMs`: a live put writes at least every second while bytes arrive, and is cut
 *   after its idle timeout when none do.
 * In Kubernetes each pod has its own host name, so host and pid name one live process.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, statSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isCode } from './errno.js';
import { StoreFailedError } from '../errors.js';

/** This process's host, as a file-name segment (no dots: they separate the name's parts). */
const HOST = hostname()
  .replace(/[^A-Za-z0-9-]/g, '-')
  .slice(0, 63);
const TOKEN = randomBytes(4).toString('hex');
let counter = 0;

/** The owner segment of a temporary name made by this process: `host.pid.token.n`. */
export function ownedTempSegment(): string {
  return `${HOST}.${process.pid}.${TOKEN}.${++counter}`;
}

/** What a sweep did. */
export interface SweepResult {
  /** Files removed. */
  readonly removed: number;
  /** Temporary files kept (a live writer's, or too recent to tell). */
  readonly kept: number;
}

/**
 * Removes the stale temporary files directly in `dir` whose names `match` selects (see the module
 * comment for what is stale). A missing directory has nothing to sweep.
 */
export function sweepTempDir(
  dir: string,
  match: (name: string) => boolean,
  olderThanMs: number,
  now = Date.now(),
): SweepResult {
  let names: string[];
  try {
    names = readdirSync(dir).filter(match);
  } catch (error) {
    if (isCode(error, 'ENOENT')) return { removed: 0, kept: 0 };
    throw new StoreFailedError(dir, 'readdir', { cause: error });
  }
  let removed = 0;
  for (const name of names) {
    const path = join(dir, name);
    const info = statSync(path, { throwIfNoEntry: false });
    if (!info) continue;
    const owner = ownerOf(name);
    if (owner === 'alive' || (owner === 'unknown' && now - info.mtimeMs <= olderThanMs)) continue;
    try {
      unlinkSync(path);
      removed++;
    } catch (error) {
      if (!isCode(error, 'ENOENT')) throw new StoreFailedError(path, 'unlink', { cause: error });
    }
  }
  return { removed, kept: names.length - removed };
}

/** A process of this host named by the file (alive or gone), or one that cannot be asked. */
function ownerOf(name: string): 'alive' | 'gone' | 'unknown' {
  const owner = /\.([A-Za-z0-9-]{1,63})\.(\d{1,10})\.([0-9a-f]{8})\.\d+\.tmp$/.exec(name);
  if (!owner || owner[1] !== HOST) return 'unknown';
  const pid = Number(owner[2]);
  if (pid === process.pid) return owner[3] === TOKEN ? 'alive' : 'gone';
  try {
    process.kill(pid, 0);
    return 'alive';
  } catch (error) {
    // EPERM: a live process of another user; only ESRCH says it is gone.
    return isCode(error, 'ESRCH') ? 'gone' : 'alive';
  }
}
