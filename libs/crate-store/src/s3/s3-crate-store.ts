/**
 * A crate store in an S3 bucket (MinIO in production). A put reads the whole body while hashing it
 * and sends it as one PUT only when the digest matches, with `x-amz-checksum-sha256` so the server
 * verifies the same bytes again, and `If-None-Match: *` so an existing object is never replaced
 * (412 = already stored). Multipart is not used: one PUT carries up to 5 GiB. A body past 8 MiB is
 * spooled to a temporary file while it is verified, so memory per download stays bounded whatever
 * the body's size.
 */
import { tmpdir } from 'node:os';
import type { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { s3Sdk } from '../io/lazy-sdk.js';
import {
  toCrateToStore,
  crateId,
  crateKey,
  CRATES_PREFIX,
  parseCrateKey,
  type CrateRefInput,
  type CrateToStoreInput,
} from '../crate-key.js';
import type { CrateBody, CrateStore, PutOptions, PutResult, StoredCrate } from '../crate-store.js';
import { CrateStoreError, StoreFailedError } from '../errors.js';
import { assertStateKey } from '../state-key.js';
import { SpooledBody, sweepSpoolDir } from './spooled-body.js';
import type { SweepResult } from '../io/temp-files.js';
import { consumeVerified, MAX_SINGLE_PUT_BYTES } from '../io/verified-body.js';

/** Options of {@link S3CrateStore}. */
export interface S3CrateStoreOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Key prefix inside the bucket, '' or ending with '/'. */
  readonly prefix?: string;
  /** Largest body accepted (default and maximum 5 GiB, one PUT). */
  readonly maxObjectBytes?: number;
  /** Keys per ListObjectsV2 page (1-1000, default 1000). */
  readonly pageSize?: number;
  /** Bodies larger than this are spooled to a temporary file before the PUT (default 8 MiB). */
  readonly spoolThresholdBytes?: number;
  /** Where bodies are spooled (default: the OS temporary directory). */
  readonly spoolDir?: string;
  /** Attempts of a spooled PUT (the SDK does not retry a streamed body itself; default 5). */
  readonly spooledAttempts?: number;
}

/** Throttling, server errors and broken connections are worth another attempt; 4xx are not. */
function retryable(error: unknown): boolean {
  const code = status(error);
  return code === undefined || code === 429 || code >= 500;
}

function status(error: unknown): number | undefined {
  return error instanceof s3Sdk().S3ServiceException ? error.$metadata.httpStatusCode : undefined;
}

/** A crate store in an S3 bucket. */
export class S3CrateStore implements CrateStore {
  readonly location: string;
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #maxBytes: number;
  readonly #pageSize: number;
  readonly #spool: { threshold: number | undefined; dir: string | undefined; attempts: number };

  constructor(options: S3CrateStoreOptions) {
    this.#client = options.client;
    this.#bucket = options.bucket;
    this.#prefix = options.prefix ?? '';
    this.#maxBytes = Math.min(options.maxObjectBytes ?? MAX_SINGLE_PUT_BYTES, MAX_SINGLE_PUT_BYTES);
    this.#pageSize = options.pageSize ?? 1000;
    this.#spool = {
      threshold: options.spoolThresholdBytes,
      dir: options.spoolDir,
      attempts: options.spooledAttempts ?? 5,
    };
    this.location = `s3://${this.#bucket}/${this.#prefix}`;
  }

  #fail(key: string, operation: string, error: unknown): never {
    if (error instanceof CrateStoreError) throw error;
    throw new StoreFailedError(`${this.location}${key}`, operation, { cause: error });
  }

  async has(ref: CrateRefInput): Promise<boolean> {
    const key = crateKey(ref);
    try {
      await this.#client.send(
        new (s3Sdk().HeadObjectCommand)({ Bucket: this.#bucket, Key: this.#prefix + key }),
      );
      return true;
    } catch (error) {
      if (status(error) === 404) return false;
      this.#fail(key, 'HeadObject', error);
    }
  }

  async get(ref: CrateRefInput): Promise<AsyncIterable<Uint8Array> | undefined> {
    return this.#get(crateKey(ref));
  }

  async #get(key: string): Promise<AsyncIterable<Uint8Array> | undefined> {
    try {
      const out = await this.#client.send(
        new (s3Sdk().GetObjectCommand)({ Bucket: this.#bucket, Key: this.#prefix + key }),
      );
      return out.Body as AsyncIterable<Uint8Array> | undefined;
    } catch (error) {
      if (status(error) === 404) return undefined;
      this.#fail(key, 'GetObject', error);
    }
  }

  async put(
    input: CrateToStoreInput,
    body: CrateBody,
    options: PutOptions = {},
  ): Promise<PutResult> {
    const crate = toCrateToStore(input);
    const key = crateKey(crate);
    const spool = new SpooledBody(this.#spool.threshold, this.#spool.dir);
    try {
      const { bytes, digest } = await consumeVerified(crateId(crate), body, crate.cksum, {
        maxBytes: this.#maxBytes,
        signal: options.signal,
        onChunk: (chunk) => spool.add(chunk),
      });
      const attempts = spool.spooled ? this.#spool.attempts : 1;
      for (let attempt = 1; ; attempt++) {
        try {
          await this.#client.send(
            new (s3Sdk().PutObjectCommand)({
              Bucket: this.#bucket,
              Key: this.#prefix + key,
              // A stream is read once: each attempt of a spooled body opens its own.
              Body: spool.spooled ? ((await spool.stream()) as Readable) : spool.bytes(),
              ContentLength: bytes,
              ContentType: 'application/gzip',
              ChecksumSHA256: digest.toString('base64'),
              ...(options.replace ? {} : { IfNoneMatch: '*' }),
            }),
            { abortSignal: options.signal },
          );
          return { outcome: 'stored', key, bytes };
        } catch (error) {
          if (status(error) === 412) return { outcome: 'exists', key, bytes: 0 };
          if (attempt >= attempts || options.signal?.aborted || !retryable(error))
            this.#fail(key, 'PutObject', error);
          await new Promise((r) =>
            setTimeout(r, Math.random() * Math.min(20_000, 100 * 2 ** attempt)),
          );
        }
      }
    } finally {
      await spool.dispose();
    }
  }

  /**
   * Removes the spool files killed puts left in the spool directory: at once those of a process of
   * this host that is gone, and any untouched for longer than `olderThanMs`. A sync calls it at its
   * start.
   */
  sweepTemporary(options: { readonly olderThanMs: number }): Promise<SweepResult> {
    return Promise.resolve(sweepSpoolDir(this.#spool.dir ?? tmpdir(), options.olderThanMs));
  }

  async delete(ref: CrateRefInput): Promise<boolean> {
    const key = crateKey(ref);
    if (!(await this.has(ref))) return false;
    try {
      await this.#client.send(
        new (s3Sdk().DeleteObjectCommand)({ Bucket: this.#bucket, Key: this.#prefix + key }),
      );
      return true;
    } catch (error) {
      this.#fail(key, 'DeleteObject', error);
    }
  }

  async *list(options: { readonly signal?: AbortSignal } = {}): AsyncIterable<StoredCrate> {
    let token: string | undefined;
    do {
      options.signal?.throwIfAborted();
      const page = await this.#client
        .send(
          new (s3Sdk().ListObjectsV2Command)({
            Bucket: this.#bucket,
            Prefix: this.#prefix + CRATES_PREFIX,
            MaxKeys: this.#pageSize,
            ContinuationToken: token,
          }),
          { abortSignal: options.signal },
        )
        .catch((error: unknown) => this.#fail(CRATES_PREFIX, 'ListObjectsV2', error));
      for (const object of page.Contents ?? []) {
        const key = object.Key?.slice(this.#prefix.length) ?? '';
        const ref = parseCrateKey(key);
        if (ref) yield { ...ref, key, size: object.Size ?? 0 };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /** `CopyObject` inside the bucket: the bytes never pass through this process. */
  async copyToState(ref: CrateRefInput, key: string): Promise<boolean> {
    const from = crateKey(ref);
    const to = assertStateKey(key);
    try {
      await this.#client.send(
        new (s3Sdk().CopyObjectCommand)({
          Bucket: this.#bucket,
          Key: this.#prefix + to,
          // The source is `bucket/key`, URL-encoded (a version may hold `+`).
          CopySource: `${this.#bucket}/${encodeURIComponent(this.#prefix + from).replaceAll('%2F', '/')}`,
        }),
      );
      return true;
    } catch (error) {
      if (status(error) === 404) return false;
      this.#fail(to, 'CopyObject', error);
    }
  }

  /**
   * The `x-amz-checksum-sha256` the server kept from the verified PUT (every put sends it), hex.
   * `undefined` where the server keeps none (s3rver, older MinIO) or the value is a multipart
   * composite (`...-N`), which is not the object's digest.
   */
  async storedChecksum(ref: CrateRefInput): Promise<string | undefined> {
    const key = crateKey(ref);
    try {
      const head = await this.#client.send(
        new (s3Sdk().HeadObjectCommand)({
          Bucket: this.#bucket,
          Key: this.#prefix + key,
          ChecksumMode: 'ENABLED',
        }),
      );
      const value = head.ChecksumSHA256;
      if (value === undefined || value.includes('-')) return undefined;
      const digest = Buffer.from(value, 'base64');
      return digest.length === 32 ? digest.toString('hex') : undefined;
    } catch (error) {
      if (status(error) === 404) return undefined;
      this.#fail(key, 'HeadObject', error);
    }
  }

  async readObject(key: string): Promise<Uint8Array | undefined> {
    const body = await this.#get(assertStateKey(key));
    if (!body) return undefined;
    const chunks: Uint8Array[] = [];
    for await (const chunk of body) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  async writeObject(key: string, bytes: Uint8Array): Promise<void> {
    try {
      await this.#client.send(
        new (s3Sdk().PutObjectCommand)({
          Bucket: this.#bucket,
          Key: this.#prefix + assertStateKey(key),
          Body: bytes,
        }),
      );
    } catch (error) {
      this.#fail(key, 'PutObject', error);
    }
  }
}
