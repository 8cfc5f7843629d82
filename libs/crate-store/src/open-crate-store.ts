/** Choosing a crate store backend from a URL, the form operators write in flags and ConfigMaps. */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { S3Client } from '@aws-sdk/client-s3';
import type { CrateStore } from './crate-store.js';
import { StoreUrlError } from './errors.js';
import { FsCrateStore } from './fs/fs-crate-store.js';
import { createS3Client } from './s3/s3-client.js';
import type { S3ClientLike, S3ClientOptions } from './s3/s3-options.js';
import { S3CrateStore } from './s3/s3-crate-store.js';

/** The embedded default: a directory under the working directory. */
export const DEFAULT_STORE_URL = './.lcs/store';

/** Options of {@link openCrateStore}. */
export interface OpenCrateStoreOptions {
  /** Base for relative paths (default `process.cwd()`). */
  readonly cwd?: string;
  /** An S3 client to use, or options to create one for `s3://` URLs. */
  readonly s3?: S3ClientLike | S3ClientOptions;
  /** Largest crate accepted, in bytes. */
  readonly maxObjectBytes?: number;
}

/** What a store URL means, without opening anything. */
export type StoreLocation =
  | { readonly kind: 'fs'; readonly root: string }
  | { readonly kind: 's3'; readonly bucket: string; readonly prefix: string };

// S3 bucket naming rules: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Parses a store URL: a plain path or `file://` URL (filesystem) or `s3://bucket[/prefix]`.
 * Throws `StoreUrlError` (code `STORE_URL_INVALID`) naming the URL for anything else.
 */
export function parseStoreUrl(url: string, cwd = process.cwd()): StoreLocation {
  if (url.trim() === '') throw new StoreUrlError('STORE_URL_INVALID', url, 'empty');
  if (url.startsWith('s3://')) {
    const rest = url.slice('s3://'.length);
    const slash = rest.indexOf('/');
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    if (!BUCKET.test(bucket) || bucket.includes('..')) {
      throw new StoreUrlError(
        'STORE_URL_INVALID',
        url,
        `${JSON.stringify(bucket)} is not a valid S3 bucket name`,
      );
    }
    const segments =
      slash < 0
        ? []
        : rest
            .slice(slash + 1)
            .split('/')
            .filter(Boolean);
    if (segments.some((s) => s === '.' || s === '..')) {
      throw new StoreUrlError(
        'STORE_URL_INVALID',
        url,
        'the prefix may not contain "." or ".." segments',
      );
    }
    return { kind: 's3', bucket, prefix: segments.map((s) => `${s}/`).join('') };
  }
  if (url.startsWith('file:')) {
    try {
      return { kind: 'fs', root: fileURLToPath(url) };
    } catch (error) {
      throw new StoreUrlError('STORE_URL_INVALID', url, 'not a valid file: URL', { cause: error });
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new StoreUrlError(
      'STORE_URL_INVALID',
      url,
      'supported stores are a path, file:// and s3://bucket[/prefix]',
    );
  }
  return { kind: 'fs', root: resolve(cwd, url) };
}

/** Opens the crate store a URL names. See {@link parseStoreUrl}. */
export function openCrateStore(
  url: string = DEFAULT_STORE_URL,
  options: OpenCrateStoreOptions = {},
): CrateStore {
  const location = parseStoreUrl(url, options.cwd);
  if (location.kind === 'fs') {
    return new FsCrateStore(location.root, { maxObjectBytes: options.maxObjectBytes });
  }
  const s3 = options.s3;
  const client = s3 && 'send' in s3 ? (s3 as S3Client) : createS3Client(s3);
  return new S3CrateStore({
    client,
    bucket: location.bucket,
    prefix: location.prefix,
    maxObjectBytes: options.maxObjectBytes,
  });
}
