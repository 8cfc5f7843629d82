/**
 * `@lcs/cli-kit`: what the services' command lines share.
 * @packageDocumentation
 */
export { BAD_INPUT_CODES, ExitCode, exitCodeFor } from './exit-status.js';
export { createReporter, type Reporter } from './reporter.js';
