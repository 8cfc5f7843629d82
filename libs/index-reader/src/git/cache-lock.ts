/**
 * One git fetch at a time per cache directory, across processes sharing a volume (a webhook server
 * and a CronJob pod): the lock is a file linked into place complete (link(2) fails when it exists),
 * refreshed while held; a lock whose holder died (on this host) or stopped refreshing is removed.
 * Git's own lock files keep two writers from corrupting refs; this one makes the second fetcher wait
 * for the first and then fetch what is left (usually nothing), instead of failing.
 */
import { randomBytes } from 'node:crypto';
import { link, readFile, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { IndexSourceError } from '../errors.js';

const REFRESH_MS = 5_000;
/** A lock not refreshed for this long is abandoned (its holder hung or its host died). */
const STALE_MS = 60_000;

interface Holder {
  readonly host: string;
  readonly pid: number;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

async function stale(path: string): Promise<boolean> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    const holder = JSON.parse(text) as Holder;
    if (holder.host === hostname() && !alive(holder.pid)) return true;
    return Date.now() - info.mtimeMs > STALE_MS;
  } catch {
    return false;
  }
}

/**
 * Runs `fn` holding the fetch lock of `dir`, waiting up to `timeoutMs` for another holder.
 * @throws {IndexSourceError} naming the lock when it stays held past `timeoutMs`.
 */
export async function withCacheLock<T>(
  dir: string,
  timeoutMs: number,
  fn: () => Promise<T>,
): Promise<T> {
  const path = join(dir, 'lcs-fetch.lock');
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temp, JSON.stringify({ host: hostname(), pid: process.pid }));
  const deadline = Date.now() + timeoutMs;
  try {
    for (let wait = 50; ; wait = Math.min(wait * 2, 1_000)) {
      try {
        await link(temp, path);
        break;
      } catch (error) {
        if ((error as { code?: string }).code !== 'EEXIST') throw error;
      }
      if (await stale(path)) {
        await unlink(path).catch(() => undefined);
        continue;
      }
      if (Date.now() > deadline)
        throw new IndexSourceError(
          dir,
          `another process has been fetching into ${dir} for too long (${path})`,
        );
      await new Promise((r) => setTimeout(r, wait));
    }
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  const refresh = setInterval(() => {
    const now = new Date();
    void utimes(path, now, now).catch(() => undefined);
  }, REFRESH_MS);
  refresh.unref();
  try {
    return await fn();
  } finally {
    clearInterval(refresh);
    await unlink(path).catch(() => undefined);
  }
}
