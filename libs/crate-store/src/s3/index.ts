/**
 * `@lcs/crate-store/s3`: the S3 crate store and its client, for consumers that construct them
 * directly. Importing it needs `@aws-sdk/client-s3` installed (an optional peer dependency of this
 * package); `openCrateStore('s3://...')` from the root entry loads it only when used.
 * @packageDocumentation
 */
// Its options types (`S3ClientOptions`, `S3ClientLike`) are the root door's: one name, one door.
export { createS3Client } from './s3-client.js';
export { S3CrateStore, type S3CrateStoreOptions } from './s3-crate-store.js';
