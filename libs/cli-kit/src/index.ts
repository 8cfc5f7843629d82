/**
 * `@lcs/cli-kit`: what the services' command lines share.
 * @packageDocumentation
 */
export { ExitCode, exitCodeFor } from './exit-status.js';
export { createReporter, type LogFormat, type Reporter, type ReporterOptions } from './reporter.js';
export { reportError } from './report-error.js';
// The option table's helpers (resolving, help lines) serve `CommandTable` and stay inside.
export type { OptionSpec } from './option-table.js';
export {
  CliKitError,
  ConfigError,
  StopRequestedError,
  type CliKitErrorCode,
  type ErrorKind,
} from './errors.js';
export { signalExitCode, stopSignal, stoppedBy } from './stop-signal.js';
export { closest, parseCommandLine, type CommandLine } from './command-line.js';
export { errorSummary, jsonRequested, loggingRequested } from './error-summary.js';
export { formatCount } from './count-format.js';
export {
  CommandTable,
  type CommandOption,
  type CommandSpec,
  type CommandTableText,
  type OptionValidator,
  type OptionValue,
  type ParsedCommand,
  type ParsedLine,
} from './command-table.js';
