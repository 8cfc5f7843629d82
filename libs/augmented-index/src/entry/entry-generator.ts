/**
 * Generating one version's augmented entry from the crate in the store: read it whole, check it is
 * the version the index names (sha256 against the index cksum), parse it (possibly on a worker
 * thread), and check its manifest names the same package and version.
 */
import { createHash } from 'node:crypto';
import {
  CargoManifestError,
  readCrateManifest,
  type CargoManifestErrorCode,
} from '@lcs/cargo-manifest';
import type { AugmentedEntry } from './augmented-entry.js';
import {
  crateFacts,
  entryFromCrate,
  errorEntry,
  type CrateFacts,
  type OriginalVersion,
} from './entry-from-crate.js';

/** Largest `.crate` read (crates.io's own limit is 10 MB; a few crates got exceptions). */
export const MAX_CRATE_BYTES = 256 * 1024 * 1024;

/** Where the backfiller reads crates: the LCS crate store (only `get` is needed). */
export interface CrateSource {
  get(ref: { name: string; version: string }): Promise<AsyncIterable<Uint8Array> | undefined>;
}

/** Parses a whole `.crate` (in this thread by default; a worker pool can stand in). */
export type CrateParser = (
  bytes: Uint8Array,
  expected: { name: string; version: string },
) => Promise<CrateFacts>;

/** Error-line code: the crate's `Cargo.toml` names another package or version than the index. */
export const MANIFEST_MISMATCH = 'CRATE_MANIFEST_MISMATCH';

/** What became of one version. */
export type Generated =
  | { readonly kind: 'written'; readonly entry: AugmentedEntry }
  | {
      readonly kind: 'failed';
      readonly entry: AugmentedEntry;
      readonly code: string;
      readonly message: string;
    }
  | { readonly kind: 'missing' }
  | { readonly kind: 'stale' };

/** The error line of a crate over {@link MAX_CRATE_BYTES} (this library's own code). */
export const CRATE_OVER_LIMIT = 'CRATE_TOO_LARGE';

const TOO_LARGE: ReadonlySet<string> = new Set<string>([
  'CRATE_GZIP_BOMB',
  'CRATE_MANIFEST_TOO_LARGE',
  CRATE_OVER_LIMIT,
] satisfies Array<CargoManifestErrorCode | typeof CRATE_OVER_LIMIT>);

/** The failure reason metric label of an error-line code. */
export function failureReason(code: string): 'too_large' | 'invalid_crate' {
  return TOO_LARGE.has(code) ? 'too_large' : 'invalid_crate';
}

async function readWhole(stream: AsyncIterable<Uint8Array>): Promise<Buffer | undefined> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      size += chunk.byteLength;
      if (size > MAX_CRATE_BYTES) return undefined;
      chunks.push(chunk);
    }
  } finally {
    (stream as { destroy?: () => void }).destroy?.();
  }
  return Buffer.concat(chunks);
}

/**
 * The entry of `version` from the crate in `crates`: `missing` when the store has no copy, `stale`
 * when its copy is not the bytes the index names (a re-published version not fetched yet).
 */
export async function generateEntry(
  crates: CrateSource,
  version: OriginalVersion,
  previous: Record<string, unknown> | undefined,
  parse: CrateParser = async (bytes, expected) =>
    crateFacts(await readCrateManifest(bytes, expected)),
): Promise<Generated> {
  const { name, vers, cksum } = version;
  const stream = await crates.get({ name, version: vers });
  if (!stream) return { kind: 'missing' };
  const bytes = await readWhole(stream);
  const fail = (code: string, message: string): Generated => ({
    kind: 'failed',
    code,
    message,
    entry: errorEntry(version, { code, message }, previous),
  });
  if (!bytes)
    return fail(CRATE_OVER_LIMIT, `${name}-${vers}.crate is over ${MAX_CRATE_BYTES} bytes`);
  if (createHash('sha256').update(bytes).digest('hex') !== cksum) return { kind: 'stale' };
  let crate: CrateFacts;
  try {
    crate = await parse(bytes, { name, version: vers });
  } catch (error) {
    // Crates cargo itself would refuse become `error` lines; anything else fails the run. A parse
    // on a worker thread hands back the same class (`CargoManifestError.fromJSON`).
    if (!(error instanceof CargoManifestError)) throw error;
    return fail(error.code, error.message);
  }
  const pkg = crate.manifest.package;
  if (pkg.name !== name || pkg.version !== vers)
    return fail(
      MANIFEST_MISMATCH,
      `Cargo.toml is package ${pkg.name}@${pkg.version}, but the index names ${name}@${vers}`,
    );
  return { kind: 'written', entry: entryFromCrate(version, crate, previous) };
}
