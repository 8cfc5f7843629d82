#!/usr/bin/env node
/**
 * ais-backfiller entry point: parse configuration once, run, handle signals, map errors to exit
 * statuses. Domain logic lives in the libraries.
 */
import { COMMAND_LINE, parseConfig } from './config.js';
import { exitCodeFor, ExitCode } from './exit-codes.js';
import {
  createReporter,
  formatCount,
  jsonRequested,
  loggingRequested,
  reportError,
  signalExitCode,
  stopSignal,
  stoppedBy,
} from '@lcs/cli-kit';
import { VERSION } from './version.js';

async function main(argv: string[]): Promise<number> {
  const reporter = createReporter(process.stderr, loggingRequested(argv, process.env, 'AIS'));
  // A second signal exits at once (stopSignal); every write is atomic, so nothing is half-stored.
  const signal = stopSignal((received) =>
    reporter.log(
      'warn',
      `${received} received: finishing the files in progress (run commits them)`,
    ),
  );
  try {
    const config = parseConfig(argv, process.env);
    if (config.command === 'help') {
      process.stdout.write(
        config.topic ? COMMAND_LINE.commandHelp(config.topic) : COMMAND_LINE.help(),
      );
      return ExitCode.Ok;
    }
    if (config.command === 'version') {
      process.stdout.write(`ais-backfiller ${VERSION}\n`);
      return ExitCode.Ok;
    }
    if (config.command === 'status') {
      const { formatStatus, runStatus } = await import('./status-command.js');
      const report = await runStatus(config);
      process.stdout.write(`${config.json ? JSON.stringify(report) : formatStatus(report)}\n`);
      return ExitCode.Ok;
    }
    if (config.command === 'verify') {
      const { formatVerify, runVerify } = await import('./verify-command.js');
      const { report, exitCode } = await runVerify(config, reporter, signal);
      process.stdout.write(`${config.json ? JSON.stringify(report) : formatVerify(report)}\n`);
      const stopped = stoppedBy(signal);
      return stopped && report.interrupted ? signalExitCode(stopped) : exitCode;
    }
    if (config.command === 'report') {
      const { formatReport, runReport } = await import('./report-command.js');
      const report = await runReport(config, reporter, signal);
      process.stdout.write(`${config.json ? JSON.stringify(report) : formatReport(report)}\n`);
      const stopped = stoppedBy(signal);
      return stopped && report.interrupted ? signalExitCode(stopped) : ExitCode.Ok;
    }
    // The libraries load only once the command line is understood: --help and a bad flag answer at once.
    const { runBackfill } = await import('./run-command.js');
    const { summary, exitCode } = await runBackfill(config, reporter, signal);
    const n = formatCount;
    // --json: stdout is the JSON object alone.
    if (!config.json)
      process.stdout.write(
        `backfill   ${n(summary.processed)} processed: ${n(summary.written)} written, ${n(summary.failed)} unreadable (recorded), ${n(summary.skipped)} not in store, ${n(summary.deferred)} deferred\n` +
          `augmented  ${n(summary.files_changed)} files changed, ${n(summary.dropped)} lines dropped, commit ${summary.commit ?? '(none: nothing changed)'}\n` +
          `took       ${summary.duration_s.toFixed(2)} s${summary.interrupted ? ' (stopped early)' : ''}\n`,
      );
    else process.stdout.write(`${JSON.stringify(summary)}\n`);
    // A run a signal stopped says so the way shells do (130, 143); what it did is committed.
    const stopped = stoppedBy(signal);
    return stopped && summary.interrupted && exitCode !== ExitCode.PushFailed
      ? signalExitCode(stopped)
      : exitCode;
  } catch (error) {
    const code = exitCodeFor(error);
    reportError('ais-backfiller', error, code, reporter, jsonRequested(argv, process.env));
    return code;
  }
}

process.exitCode = await main(process.argv.slice(2));
