/**
 * The read API's reader for `serve`: the index repository the syncs read (the fetch cache of a URL,
 * or the local repository), the augmented index (a local repository, or a URL fetched into its own
 * cache), the store and the snapshot history.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Reporter } from '@lcs/cli-kit';
import { FETCHED_REF, fetchRemoteCommit, fetchRemoteIndex } from '@lcs/index-reader/git';
import { SnapshotReader } from '@lcs/snapshot';
import type { ServeConfig } from './config.js';
import { defaultIndexDir } from './scan-command.js';
import type { FetcherContext } from './sync-command.js';

const isUrl = (spec: string) => /^https?:\/\//.test(spec);
const localPath = (spec: string) => (spec.startsWith('file:') ? fileURLToPath(spec) : spec);

/** Where an http(s) augmented index is fetched. */
function augmentedDir(config: ServeConfig, url: string): string {
  return config.augmentedIndexDir ?? defaultIndexDir(url);
}

/**
 * Fetches an http(s) augmented index into its cache (nothing for a local one). A failure is
 * logged, not thrown: the API keeps answering from the last fetch, or without augmented fields.
 */
export async function refreshAugmentedIndex(
  config: ServeConfig,
  reporter: Reporter,
): Promise<void> {
  const url = config.augmentedIndex;
  if (!url || !isUrl(url)) return;
  const token = config.augmentedIndexToken;
  try {
    await fetchRemoteIndex(url, {
      cacheDir: augmentedDir(config, url),
      // Basic auth with user x-access-token, as the backfiller sends it (GitHub, Gitea).
      ...(token
        ? {
            headers: {
              authorization: `Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`,
            },
          }
        : {}),
    });
  } catch (error) {
    reporter.log('warn', `cannot fetch the augmented index: ${(error as Error).message}`, {
      augmented_index: url,
    });
  }
}

/** Opens the reader (see the module comment); called on the API's first request. */
export async function openApiReader(
  config: ServeConfig,
  context: FetcherContext,
  reporter: Reporter,
): Promise<SnapshotReader> {
  const remote = isUrl(config.index);
  const cacheDir = config.indexDir ?? defaultIndexDir(config.index);
  // A replica that has not synced yet has no cache: it clones the index as its first sync would.
  if (remote && !existsSync(join(cacheDir, 'HEAD')))
    await fetchRemoteIndex(config.index, { cacheDir });
  const augmented = config.augmentedIndex;
  let augmentedPath: string | undefined;
  if (augmented && isUrl(augmented)) {
    await refreshAugmentedIndex(config, reporter);
    const dir = augmentedDir(config, augmented);
    augmentedPath = existsSync(join(dir, 'HEAD')) ? dir : undefined;
  } else if (augmented) augmentedPath = localPath(augmented);
  return SnapshotReader.openPaths({
    index: remote ? cacheDir : localPath(config.index),
    augmented: augmentedPath,
    // A fetch cache records what it fetched under its own ref; a local repository is read at HEAD.
    ...(augmented && isUrl(augmented) ? { augmentedRev: FETCHED_REF } : {}),
    store: context.store,
    history: context.snapshots,
    // Each replica has its own fetch cache: a commit another runner mirrored is fetched by id.
    ...(remote
      ? { fetchCommit: (commit: string) => fetchRemoteCommit(config.index, commit, { cacheDir }) }
      : {}),
  });
}
