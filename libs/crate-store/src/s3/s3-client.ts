/**
 * The S3 client the store uses, configured for MinIO and other S3-compatible servers as well as AWS.
 * Endpoint, region and credentials follow the standard AWS SDK chain (`AWS_ENDPOINT_URL_S3`,
 * `AWS_ENDPOINT_URL`, `AWS_REGION`, profiles, instance roles) unless given here.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { s3Sdk } from '../io/lazy-sdk.js';
import type { S3ClientOptions } from './s3-options.js';

export type { S3ClientLike, S3ClientOptions } from './s3-options.js';

/**
 * Creates an S3 client for crate stores.
 *
 * Checksums are sent and validated only when an operation requires them (`WHEN_REQUIRED`): since
 * early 2025 the SDK otherwise streams CRC32 trailers in `aws-chunked` bodies that many
 * S3-compatible servers reject (https://github.com/aws/aws-sdk-js-v3/issues/6810). The store sends
 * its own `x-amz-checksum-sha256` header with every put instead.
 */
export function createS3Client(options: S3ClientOptions = {}): S3Client {
  const { S3Client } = s3Sdk();
  const client = new S3Client({
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    region: options.region ?? regionFromChain,
    forcePathStyle: options.forcePathStyle ?? true,
    maxAttempts: options.maxAttempts ?? 5,
    retryMode: 'standard',
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  normalizeBucketPath(client);
  return client;
}

/** The SDK's region chain, falling back to `us-east-1` instead of failing every request. */
async function regionFromChain(): Promise<string> {
  const probe = new (s3Sdk().S3Client)({});
  try {
    return await probe.config.region();
  } catch {
    return 'us-east-1';
  } finally {
    probe.destroy();
  }
}

/**
 * Bucket-level requests (ListObjectsV2, HeadBucket) with path-style addressing are serialized as
 * `/bucket/`. Some S3-compatible servers compute the signature over `/bucket` and refuse the
 * request; `/bucket` is the canonical form on every server, so it is sent that way. Runs in the
 * `build` step, before signing.
 */
function normalizeBucketPath(client: S3Client): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { path?: unknown };
      if (typeof request.path === 'string' && /^\/[^/]+\/$/.test(request.path)) {
        request.path = request.path.slice(0, -1);
      }
      return next(args);
    },
    { step: 'build', name: 'lcsNormalizeBucketPath' },
  );
}
