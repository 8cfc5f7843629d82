import { isValidCrateName } from '../entry/crate-name.js';
import type { GitCommitInfo } from '../git/git-object-store.js';
import { parseIndexConfig, type IndexConfig } from '../entry/index-config.js';
import { parseIndexFile, type IndexFile } from '../entry/index-file.js';
import { indexPath } from '../entry/index-path.js';

/** One crate's index file as stored: not parsed yet, so a scan pays for parsing only if it wants to. */
export interface RawIndexFile {
  /** Path inside the index, e.g. `se/rd/serde`. */
  readonly path: string;
  /** The file's bytes. */
  readonly content: Buffer;
}

/** What every index source can do: read one file by its index path. */
export interface IndexSource {
  /** Where the index comes from (path or URL), for messages and logs. */
  readonly location: string;
  /**
   * The commit the source reads, when it reads one (a git index): its id, tree and committer time.
   * A directory or the sparse protocol has none.
   */
  readonly commit?: GitCommitInfo | undefined;
  /** Reads a file of the index (`config.json`, `se/rd/serde`); `undefined` when it does not exist. */
  readFile(path: string): Promise<Buffer | undefined>;
  /** Releases processes, sockets and caches. */
  close(): Promise<void>;
}

/** Options of {@link ScannableIndexSource.files} and {@link scanIndex}. */
export interface ScanOptions {
  /**
   * Only the crate files whose index path passes are read (the others cost a tree entry, not a
   * blob read): a shard of a sync reads its own crates only.
   */
  readonly filter?: (path: string) => boolean;
}

/** A source that can also list every crate (a directory or a git tree; the sparse protocol cannot). */
export interface ScannableIndexSource extends IndexSource {
  /**
   * Streams every crate file in path order (the code-unit order of the whole paths, which is git's
   * tree order), reading a bounded number ahead.
   */
  files(options?: ScanOptions): AsyncIterable<RawIndexFile>;
}

/** `true` when `source` can list its crates. */
export function isScannable(source: IndexSource): source is ScannableIndexSource {
  return typeof (source as Partial<ScannableIndexSource>).files === 'function';
}

/**
 * `true` when `path` is where cargo would put the crate named by its last segment, so `config.json`,
 * READMEs, CI files and anything else that is not a crate file is left out of scans.
 */
export function isIndexFilePath(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return isValidCrateName(name) && name === name.toLowerCase() && indexPath(name) === path;
}

/**
 * Reads and parses one crate's file; `undefined` when the index has no such crate.
 * @throws {InvalidCrateNameError} for a name that is not a valid crate name.
 */
export async function readCrate(source: IndexSource, name: string): Promise<IndexFile | undefined> {
  const path = indexPath(name);
  const content = await source.readFile(path);
  return content === undefined ? undefined : parseIndexFile(path, content);
}

/**
 * Reads the index's `config.json`; `undefined` when it has none.
 * @throws {IndexConfigError} when it exists but is not valid.
 */
export async function readIndexConfig(source: IndexSource): Promise<IndexConfig | undefined> {
  const content = await source.readFile('config.json');
  return content === undefined ? undefined : parseIndexConfig(content.toString('utf8'));
}

/** Streams every crate file of `source`, parsed. Malformed lines are reported per file, never thrown. */
export async function* scanIndex(
  source: ScannableIndexSource,
  options: ScanOptions = {},
): AsyncGenerator<IndexFile> {
  for await (const file of source.files(options)) yield parseIndexFile(file.path, file.content);
}
