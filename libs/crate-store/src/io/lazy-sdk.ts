/**
 * The SDKs this lib wraps, loaded on first use. A run on the embedded defaults (filesystem store,
 * file metadata) never needs them, and loading them costs about 0.2 s (AWS SDK) and 0.35 s (etcd3
 * and gRPC) of every process start. They are optional peer dependencies: a consumer that never
 * uses S3 or etcd installs neither (a missing one is a typed error naming what to install). Both
 * ship CommonJS, so a synchronous `require` keeps the constructors synchronous.
 */
import { createRequire } from 'node:module';
import { SdkMissingError } from '../errors.js';

const require = createRequire(import.meta.url);
let s3: typeof import('@aws-sdk/client-s3') | undefined;
let etcd: typeof import('etcd3') | undefined;

/** The versions this lib is built and tested with (its `peerDependencies`). */
const VERSIONS = { '@aws-sdk/client-s3': '3.1173.0', etcd3: '1.1.2' } as const;

function load<T>(sdk: keyof typeof VERSIONS): T {
  try {
    return require(sdk) as T;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'MODULE_NOT_FOUND')
      throw new SdkMissingError(sdk, VERSIONS[sdk], { cause: error });
    throw error;
  }
}

/** `@aws-sdk/client-s3`, loaded once. */
export function s3Sdk(): typeof import('@aws-sdk/client-s3') {
  return (s3 ??= load<typeof import('@aws-sdk/client-s3')>('@aws-sdk/client-s3'));
}

/** `etcd3`, loaded once. */
export function etcdSdk(): typeof import('etcd3') {
  return (etcd ??= load<typeof import('etcd3')>('etcd3'));
}
