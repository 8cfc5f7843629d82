/**
 * `@lcs/cli-kit`: what the services' command lines share.
 * @packageDocumentation
 */
export { BAD_INPUT_CODES, ExitCode, exitCodeFor } from './exit-status.js';
export { createReporter, type Reporter } from './reporter.js';
export {
  flagDeclarations,
  optionHelp,
  resolveOptions,
  type OptionSpec,
  type ResolvedOptions,
} from './option-table.js';
export { ConfigError } from './config-error.js';
export { stopSignal } from './stop-signal.js';
export { errorSummary, jsonRequested } from './error-summary.js';
