/**
 * The embedded default metadata store: one file per key under a directory (`./.lcs/metadata`),
 * each written atomically (temporary file, fsync, rename). Its lock is a lock file linked into
 * place complete (link(2) fails when it exists), renewed by rewriting its expiry; a lock whose
 * expiry passed, or whose holder process on this host is gone, is taken over under a second lock
 * file. It serializes runners on one machine (or one shared volume), not across machines.
 */
import { readFileSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { link, mkdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { LockHeldError, MetadataError } from '../errors.js';
import { writeFileAtomic } from '../fs/fs-crate-store.js';
import {
  assertMetadataKey,
  assertMetadataValue,
  type MetadataStore,
  type MetadataWriteOptions,
} from './metadata-store.js';
import { defaultOwner, LeaseTracker, type LockOptions, type RunnerLock } from './runner-lock.js';
import { isCode } from '../io/errno.js';

interface LockFile {
  readonly owner: string;
  readonly token: string;
  readonly host: string;
  readonly pid: number;
  readonly expiresAt: number;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return isCode(error, 'EPERM');
  }
}

async function readLock(path: string): Promise<LockFile | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LockFile;
  } catch (error) {
    if (isCode(error, 'ENOENT')) return undefined;
    // A half-written lock file cannot happen (it is linked or renamed into place complete);
    // anything unreadable is stale.
    return { owner: 'unreadable lock file', token: '', host: '', pid: 0, expiresAt: 0 };
  }
}

function isStale(lock: LockFile): boolean {
  return lock.expiresAt < Date.now() || (lock.host === hostname() && !processAlive(lock.pid));
}

/**
 * Creates `path` holding `lock`, complete, or returns `false` when it exists: the content is
 * written to a temporary file first and then linked into place (link(2) never replaces), so no
 * reader ever sees an empty or half-written lock file.
 */
async function createComplete(path: string, lock: LockFile): Promise<boolean> {
  const temp = `${path}.${lock.token}.tmp`;
  await writeFileAtomic(temp, JSON.stringify(lock)).catch((error: unknown) => {
    throw new MetadataError('METADATA_FAILED', path, `cannot create lock ${path}`, {
      cause: error,
    });
  });
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if (isCode(error, 'EEXIST')) return false;
    throw new MetadataError('METADATA_FAILED', path, `cannot create lock ${path}`, {
      cause: error,
    });
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/**
 * Replaces the stale lock `stale` with `mine`. Takers serialize on a second lock file
 * (`.takeover`, created the same complete way); the holder of it replaces the lock only if it is
 * still the stale one it judged, so two takers can never both win, nor can a taker remove a fresh
 * lock. A takeover file left by a killed taker is itself stale after the lock's TTL.
 */
async function takeOver(path: string, stale: LockFile, mine: LockFile): Promise<boolean> {
  const guard = `${path}.takeover`;
  if (!(await createComplete(guard, mine))) {
    const other = await readLock(guard);
    if (other && isStale(other)) await unlink(guard).catch(() => undefined);
    return false;
  }
  try {
    if ((await readLock(path))?.token !== stale.token) return false;
    await writeFileAtomic(path, JSON.stringify(mine));
    return true;
  } finally {
    await unlink(guard).catch(() => undefined);
  }
}

/** Metadata in a local directory. */
export class FileMetadataStore implements MetadataStore {
  readonly location: string;

  constructor(readonly dir: string) {
    this.location = dir;
  }

  #path(key: string): string {
    return join(this.dir, 'keys', ...assertMetadataKey(key).split('/')) + '.value';
  }

  async get(key: string): Promise<string | undefined> {
    const path = this.#path(key);
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      if (isCode(error, 'ENOENT')) return undefined;
      throw new MetadataError('METADATA_FAILED', key, `cannot read ${path}`, { cause: error });
    }
  }

  async put(key: string, value: string, options: MetadataWriteOptions = {}): Promise<void> {
    const path = this.#path(key);
    assertMetadataValue(key, value);
    options.lock?.assertHeld();
    await writeFileAtomic(path, value).catch((error: unknown) => {
      throw new MetadataError('METADATA_FAILED', key, `cannot write ${path}`, { cause: error });
    });
  }

  async delete(key: string, options: MetadataWriteOptions = {}): Promise<void> {
    const path = this.#path(key);
    options.lock?.assertHeld();
    await unlink(path).catch((error: unknown) => {
      if (!isCode(error, 'ENOENT'))
        throw new MetadataError('METADATA_FAILED', key, `cannot delete ${path}`, { cause: error });
    });
  }

  async acquireLock(options: LockOptions = {}): Promise<RunnerLock> {
    const name = assertMetadataKey(options.name ?? 'fetcher');
    const ttlMs = (options.ttlSeconds ?? 30) * 1000;
    const path = join(this.dir, 'locks', `${name.replaceAll('/', '_')}.lock`);
    const mine: LockFile = {
      owner: options.owner ?? defaultOwner(),
      token: randomBytes(12).toString('hex'),
      host: hostname(),
      pid: process.pid,
      expiresAt: Date.now() + ttlMs,
    };
    await mkdir(join(this.dir, 'locks'), { recursive: true });
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await createComplete(path, mine)) return new FileLock(name, path, mine, ttlMs);
      const held = await readLock(path);
      if (!held) continue;
      if (!isStale(held)) throw new LockHeldError(name, held.owner);
      if (await takeOver(path, held, mine)) return new FileLock(name, path, mine, ttlMs);
    }
    throw new LockHeldError(name, (await readLock(path))?.owner);
  }

  async lockHolder(name: string): Promise<string | undefined> {
    const path = join(this.dir, 'locks', `${assertMetadataKey(name).replaceAll('/', '_')}.lock`);
    const held = await readLock(path);
    return held && !isStale(held) ? held.owner : undefined;
  }

  async close(): Promise<void> {
    // Nothing to close: every operation opens and closes its own files.
  }
}

class FileLock implements RunnerLock {
  readonly #tracker: LeaseTracker;
  readonly #renewal: NodeJS.Timeout;
  #released = false;

  constructor(
    readonly name: string,
    readonly path: string,
    readonly file: LockFile,
    ttlMs: number,
  ) {
    this.#tracker = new LeaseTracker(name, ttlMs);
    this.#renewal = setInterval(() => void this.#renew(ttlMs), ttlMs / 3).unref();
    process.once('exit', this.#onExit);
  }

  /**
   * A process that exits without releasing (a second SIGTERM, `process.exit`) still frees its
   * lock, synchronously, if the file is still its own: the next runner need not wait for expiry.
   */
  readonly #onExit = (): void => {
    if (this.#released) return;
    try {
      const held = JSON.parse(readFileSync(this.path, 'utf8')) as Partial<LockFile>;
      if (held.token === this.file.token) unlinkSync(this.path);
    } catch {
      // Gone or unreadable: nothing of ours to remove.
    }
  };

  get owner(): string {
    return this.file.owner;
  }

  get signal(): AbortSignal {
    return this.#tracker.signal;
  }

  async #renew(ttlMs: number): Promise<void> {
    if (this.#released || this.signal.aborted) return;
    const held = await readLock(this.path);
    if (held?.token !== this.file.token) {
      this.#tracker.lose(held ? `taken over by ${held.owner}` : 'lock file removed');
      clearInterval(this.#renewal);
      return;
    }
    try {
      await writeFileAtomic(
        this.path,
        JSON.stringify({ ...this.file, expiresAt: Date.now() + ttlMs }),
      );
      this.#tracker.renewed();
    } catch {
      // The watchdog declares the lease lost if renewals keep failing past the TTL.
    }
  }

  assertHeld(): void {
    if (this.#released) this.#tracker.lose('released');
    this.#tracker.assertHeld();
  }

  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    process.off('exit', this.#onExit);
    clearInterval(this.#renewal);
    this.#tracker.stop();
    const held = await readLock(this.path);
    if (held?.token === this.file.token) await unlink(this.path).catch(() => undefined);
  }
}
