#!/usr/bin/env node
/**
 * lcs-fetcher entry point: parse configuration once, wire the command, handle signals, map errors
 * to exit statuses. Domain logic lives in the libraries.
 */
import { COMMAND_LINE, parseConfig } from './config.js';
import { exitCodeFor, ExitCode } from './exit-codes.js';
import {
  createReporter,
  jsonRequested,
  loggingRequested,
  reportError,
  signalExitCode,
  stopSignal,
  stoppedBy,
} from '@lcs/cli-kit';
import { VERSION } from './version.js';

async function main(argv: string[]): Promise<number> {
  const reporter = createReporter(process.stderr, loggingRequested(argv, process.env, 'LCS'));
  // A second signal exits at once (stopSignal); every write is atomic, so nothing is half-stored.
  const signal = stopSignal((received) => reporter.log('warn', `${received} received, stopping`));
  try {
    const config = parseConfig(argv, process.env);
    switch (config.command) {
      case 'help':
        process.stdout.write(
          config.topic ? COMMAND_LINE.commandHelp(config.topic) : COMMAND_LINE.help(),
        );
        return ExitCode.Ok;
      case 'version':
        process.stdout.write(`lcs-fetcher ${VERSION}\n`);
        return ExitCode.Ok;
      // The commands load the libraries only once the command line is understood: --help and a
      // bad flag answer at once.
      case 'scan': {
        const { formatScanSummary, runScan } = await import('./scan-command.js');
        const { summary, exitCode } = await runScan(config, reporter, signal);
        // --json: stdout is the JSON object alone, as `gh --json` and `kubectl -o json` print.
        process.stdout.write(
          `${config.json ? JSON.stringify(summary) : formatScanSummary(summary)}\n`,
        );
        return exitCode;
      }
      case 'sync': {
        const { formatSyncSummary, runSyncCommand } = await import('./sync-command.js');
        const { summary, exitCode } = await runSyncCommand(config, reporter, signal);
        if (summary)
          process.stdout.write(
            `${config.json ? JSON.stringify(summary) : formatSyncSummary(summary)}\n`,
          );
        // A run a signal stopped says so the way shells do (130, 143); its progress is saved.
        const stopped = stoppedBy(signal);
        return stopped && summary?.status === 'interrupted' ? signalExitCode(stopped) : exitCode;
      }
      case 'verify': {
        const { formatVerifySummary, runVerifyCommand } = await import('./verify-command.js');
        const { summary, exitCode } = await runVerifyCommand(config, reporter, signal);
        process.stdout.write(
          `${config.json ? JSON.stringify(summary) : formatVerifySummary(summary)}\n`,
        );
        const stopped = stoppedBy(signal);
        return stopped && summary.status === 'interrupted' ? signalExitCode(stopped) : exitCode;
      }
      case 'status': {
        const { formatStatus, runStatus } = await import('./status-command.js');
        const report = await runStatus(config);
        process.stdout.write(`${config.json ? JSON.stringify(report) : formatStatus(report)}\n`);
        return ExitCode.Ok;
      }
      case 'serve': {
        const { runServe } = await import('./serve-command.js');
        await runServe(config, reporter, signal);
        return ExitCode.Ok;
      }
    }
  } catch (error) {
    const code = exitCodeFor(error);
    reportError('lcs-fetcher', error, code, reporter, jsonRequested(argv, process.env));
    return code;
  }
}

process.exitCode = await main(process.argv.slice(2));
