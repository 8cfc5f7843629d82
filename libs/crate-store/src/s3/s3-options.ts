/**
 * The S3 types the root entry names, without any AWS SDK type: the SDK is an optional peer, so a
 * consumer that never uses S3 compiles (`skipLibCheck: false`) without it installed.
 */

/**
 * The part of an S3 client a store uses, so that this library's root types need no AWS SDK types
 * (the SDK is an optional peer); `@aws-sdk/client-s3`'s `S3Client` is one.
 */
export interface S3ClientLike {
  send(command: never, options?: never): Promise<unknown>;
  destroy(): void;
}

/** Options of `createS3Client` (`@lcs/crate-store/s3`); anything unset comes from the SDK chain. */
export interface S3ClientOptions {
  /** e.g. `http://minio.lcs.svc:9000`. */
  readonly endpoint?: string;
  /** Defaults to the SDK chain, then `us-east-1` (MinIO's default). */
  readonly region?: string;
  /** Static credentials (the SDK chain otherwise). */
  readonly credentials?: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
  };
  /** Path-style URLs (`/bucket/key`) as MinIO expects; default `true`. */
  readonly forcePathStyle?: boolean;
  /** Attempts per request, retries with exponential backoff on 5xx, 503 SlowDown and throttling (default 5). */
  readonly maxAttempts?: number;
}
