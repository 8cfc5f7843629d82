/**
 * The SDKs this lib wraps, loaded on first use. A run on the embedded defaults (filesystem store,
 * file metadata) never needs them, and loading them costs about 0.2 s (AWS SDK) and 0.35 s (etcd3
 * and gRPC) of every process start. Both ship CommonJS, so a synchronous `require` keeps the
 * constructors synchronous.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let s3: typeof import('@aws-sdk/client-s3') | undefined;
let etcd: typeof import('etcd3') | undefined;

/** `@aws-sdk/client-s3`, loaded once. */
export function s3Sdk(): typeof import('@aws-sdk/client-s3') {
  return (s3 ??= require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3'));
}

/** `etcd3`, loaded once. */
export function etcdSdk(): typeof import('etcd3') {
  return (etcd ??= require('etcd3') as typeof import('etcd3'));
}
