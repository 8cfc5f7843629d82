import { z } from 'zod';
import { IndexConfigError } from '../errors.js';
import { cratePrefix } from './index-path.js';

/** Schema of the index's `config.json` (https://doc.rust-lang.org/cargo/reference/registry-index.html#index-configuration). */
export const indexConfigSchema = z.looseObject({
  dl: z.string().min(1),
  api: z.string().nullish(),
  'auth-required': z.boolean().nullish(),
});

/** The index's `config.json`. */
export type IndexConfig = z.infer<typeof indexConfigSchema>;

/**
 * Parses `config.json`.
 * @throws {IndexConfigError} naming what is wrong.
 */
export function parseIndexConfig(text: string): IndexConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new IndexConfigError(text, `not JSON: ${(cause as Error).message}`, { cause });
  }
  const parsed = indexConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new IndexConfigError(text, `${issue?.path.join('.') || 'config'}: ${issue?.message}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

/** The markers cargo substitutes in `dl`. */
const MARKERS = ['{crate}', '{version}', '{prefix}', '{lowerprefix}', '{sha256-checksum}'] as const;

/** What identifies one download. */
export interface CrateDownload {
  /** Crate name in the index's case (it is kept, as cargo keeps it). */
  readonly name: string;
  readonly vers: string;
  /** Hex sha256 from the index line; needed only for `{sha256-checksum}`. */
  readonly cksum?: string;
}

/** Options of {@link downloadUrl}. */
export interface DownloadUrlOptions {
  /** Replaces `config.dl`, e.g. to fetch from a mirror instead of the registry. */
  readonly dl?: string;
}

/**
 * The URL cargo downloads a `.crate` from. When `dl` contains none of the markers `{crate}`,
 * `{version}`, `{prefix}`, `{lowerprefix}`, `{sha256-checksum}`, cargo appends
 * `/{crate}/{version}/download` (crates.io's own form); otherwise it substitutes them
 * (cargo/src/cargo/sources/registry/download.rs). The name keeps its case; `{lowerprefix}` is the
 * only lowercased part.
 * @throws {IndexConfigError} when `{sha256-checksum}` is used and no checksum is given.
 */
export function downloadUrl(
  config: Pick<IndexConfig, 'dl'>,
  crate: CrateDownload,
  options: DownloadUrlOptions = {},
): string {
  const dl = options.dl ?? config.dl;
  if (!MARKERS.some((m) => dl.includes(m))) return `${dl}/${crate.name}/${crate.vers}/download`;
  if (dl.includes('{sha256-checksum}') && crate.cksum === undefined) {
    throw new IndexConfigError(
      dl,
      `dl uses {sha256-checksum} but no checksum was given for ${crate.name} ${crate.vers}`,
    );
  }
  const prefix = cratePrefix(crate.name);
  return dl
    .replaceAll('{crate}', crate.name)
    .replaceAll('{version}', crate.vers)
    .replaceAll('{prefix}', prefix)
    .replaceAll('{lowerprefix}', prefix.toLowerCase())
    .replaceAll('{sha256-checksum}', crate.cksum ?? '');
}
