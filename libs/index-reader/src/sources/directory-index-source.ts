import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { IndexSourceError, IndexSourceInvalidError } from '../errors.js';
import {
  isIndexFilePath,
  type RawIndexFile,
  type ScannableIndexSource,
  type ScanOptions,
} from './index-source.js';
import { mapOrdered } from '@lcs/internal';

function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

/** An index laid out in a plain directory (an extracted or checked-out copy). */
export class DirectoryIndexSource implements ScannableIndexSource {
  readonly location: string;
  private readonly root: string;

  private constructor(root: string) {
    this.root = root;
    this.location = root;
  }

  /**
   * Opens the directory `path`.
   * @throws {IndexSourceInvalidError} when it does not exist or is not a directory.
   */
  static async open(path: string): Promise<DirectoryIndexSource> {
    const root = resolve(path);
    const info = await stat(root).catch(() => undefined);
    if (!info?.isDirectory()) throw new IndexSourceInvalidError(path, 'not a directory');
    return new DirectoryIndexSource(root);
  }

  async readFile(path: string): Promise<Buffer | undefined> {
    const full = resolve(this.root, path);
    // Paths come from validated names, but a caller-supplied path must not leave the index either.
    if (!full.startsWith(this.root + sep)) {
      throw new IndexSourceError(
        this.location,
        `path ${JSON.stringify(path)} is outside the index`,
      );
    }
    try {
      return await readFile(full);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw new IndexSourceError(this.location, `cannot read ${path}`, { cause: error });
    }
  }

  files(options: ScanOptions = {}): AsyncIterable<RawIndexFile> {
    return mapOrdered(this.paths('', options.filter), 16, async (path) => {
      const content = await this.readFile(path);
      if (content === undefined)
        throw new IndexSourceError(this.location, `${path} vanished during the scan`);
      return { path, content };
    });
  }

  /** Nothing to release: every read opens and closes its own file or request. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Index file paths in byte order of their names, like git's tree order for these names. */
  private async *paths(prefix: string, filter?: (path: string) => boolean): AsyncGenerator<string> {
    const entries = await readdir(join(this.root, prefix), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = prefix + entry.name;
      if (entry.isDirectory()) yield* this.paths(`${path}/`, filter);
      else if (entry.isFile() && isIndexFilePath(path) && (filter?.(path) ?? true)) yield path;
    }
  }
}
