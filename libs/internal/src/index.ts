/**
 * `@lcs/internal`: what the `@lcs/*` libraries share, and nothing a service should import.
 *
 * Use at your own risk (after typescript-estree's `use-at-your-own-risk`): these names follow the
 * needs of the libs that use them, and may change in any release. Each export says who uses it.
 * A service imports the lib that wraps what it needs, never this package.
 *
 * @packageDocumentation
 */
export { LcsError, type ErrorKind } from './lcs-error.js';
export { mapOrdered } from './map-ordered.js';
export { inSeededSample } from './seeded-sample.js';
export { WorkerPool, type WorkerPoolOptions } from './worker-pool.js';
