import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { IndexSourceError, IndexSourceInvalidError } from '../errors.js';
import { isIndexFilePath, type IndexSource } from './index-source.js';

/** Options of {@link SparseIndexSource}. */
export interface SparseIndexSourceOptions {
  /** Directory that keeps bodies and validators for conditional requests; none by default. */
  readonly cacheDir?: string;
  /** `fetch` implementation; the global one by default. */
  readonly fetch?: typeof globalThis.fetch;
  /** Extra request headers; set a `User-Agent` that identifies you (crates.io's data access policy). */
  readonly headers?: Record<string, string>;
}

interface CacheMeta {
  readonly etag?: string;
  readonly lastModified?: string;
}

/** Statuses cargo treats as "no such crate" on a sparse index. */
const NOT_FOUND = new Set([404, 410, 451]);

/**
 * An index served over cargo's sparse protocol (`sparse+https://index.crates.io/`): one HTTP request
 * per crate file (https://doc.rust-lang.org/cargo/reference/registry-index.html#sparse-protocol).
 * With a cache directory, requests are conditional (`If-None-Match` / `If-Modified-Since`) and a 304
 * answer reuses the cached body. The protocol cannot list crates, so this source cannot be scanned.
 */
export class SparseIndexSource implements IndexSource {
  readonly location: string;
  private readonly base: string;
  private readonly options: SparseIndexSourceOptions;

  /**
   * @param url `sparse+http(s)://host/path/`.
   * @throws {IndexSourceInvalidError} when `url` is not a sparse index URL.
   */
  constructor(url: string, options: SparseIndexSourceOptions = {}) {
    const rest = url.startsWith('sparse+') ? url.slice('sparse+'.length) : '';
    let parsed: URL | undefined;
    try {
      parsed = new URL(rest);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
      throw new IndexSourceInvalidError(
        url,
        'a sparse index URL looks like sparse+https://host/path/',
      );
    }
    this.location = url;
    this.base = parsed.href.endsWith('/') ? parsed.href : `${parsed.href}/`;
    this.options = options;
  }

  async readFile(path: string): Promise<Buffer | undefined> {
    if (path !== 'config.json' && !isIndexFilePath(path)) {
      throw new IndexSourceError(this.location, `not an index path: ${JSON.stringify(path)}`);
    }
    const cached = await this.readCache(path);
    const headers: Record<string, string> = { ...this.options.headers };
    if (cached?.meta.etag) headers['if-none-match'] = cached.meta.etag;
    else if (cached?.meta.lastModified) headers['if-modified-since'] = cached.meta.lastModified;
    const url = this.base + path;
    let response: Response;
    try {
      response = await (this.options.fetch ?? globalThis.fetch)(url, { headers });
    } catch (cause) {
      throw new IndexSourceError(url, `request failed: ${(cause as Error).message}`, { cause });
    }
    if (response.status === 304 && cached) return cached.body;
    if (NOT_FOUND.has(response.status)) {
      await response.body?.cancel();
      await this.dropCache(path);
      return undefined;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new IndexSourceError(url, `HTTP ${response.status} ${response.statusText}`);
    }
    const body = Buffer.from(await response.arrayBuffer());
    await this.writeCache(path, body, {
      ...(response.headers.get('etag') ? { etag: response.headers.get('etag') as string } : {}),
      ...(response.headers.get('last-modified')
        ? { lastModified: response.headers.get('last-modified') as string }
        : {}),
    });
    return body;
  }

  /** Nothing to release: every read opens and closes its own file or request. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  private async readCache(path: string): Promise<{ body: Buffer; meta: CacheMeta } | undefined> {
    const dir = this.options.cacheDir;
    if (!dir) return undefined;
    try {
      const meta = JSON.parse(await readFile(join(dir, `${path}.http.json`), 'utf8')) as CacheMeta;
      return { body: await readFile(join(dir, path)), meta };
    } catch {
      return undefined;
    }
  }

  /** Body first, validators last: a crash in between leaves a body with no validators, never stale validators. */
  private async writeCache(path: string, body: Buffer, meta: CacheMeta): Promise<void> {
    const dir = this.options.cacheDir;
    if (!dir) return;
    const file = join(dir, path);
    await mkdir(dirname(file), { recursive: true });
    await rm(`${file}.http.json`, { force: true });
    await writeFile(`${file}.tmp`, body);
    await rename(`${file}.tmp`, file);
    if (meta.etag || meta.lastModified) {
      await writeFile(`${file}.http.json.tmp`, JSON.stringify(meta));
      await rename(`${file}.http.json.tmp`, `${file}.http.json`);
    }
  }

  private async dropCache(path: string): Promise<void> {
    const dir = this.options.cacheDir;
    if (!dir) return;
    await rm(join(dir, `${path}.http.json`), { force: true });
    await rm(join(dir, path), { force: true });
  }
}
