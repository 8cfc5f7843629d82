#!/usr/bin/env node
/**
 * lcs-fetcher entry point: parse configuration once, wire the command, handle signals, map errors
 * to exit statuses. Domain logic lives in the libraries.
 */
import { parseConfig, USAGE } from './config.js';
import { exitCodeFor, ExitCode } from './exit-codes.js';
import { createReporter, errorSummary, jsonRequested, stopSignal } from '@lcs/cli-kit';
import { formatScanSummary, runScan } from './scan-command.js';
import { runServe } from './serve-command.js';
import { formatSyncSummary, runSyncCommand } from './sync-command.js';

async function main(argv: string[]): Promise<number> {
  const reporter = createReporter(process.stderr);
  // A second signal exits at once (stopSignal); every write is atomic, so nothing is half-stored.
  const signal = stopSignal((received) => reporter.log('warn', `${received} received, stopping`));
  try {
    const config = parseConfig(argv, process.env);
    switch (config.command) {
      case 'help':
        process.stdout.write(USAGE);
        return ExitCode.Ok;
      case 'scan': {
        const { summary, exitCode } = await runScan(config, reporter, signal);
        process.stdout.write(`${formatScanSummary(summary)}\n`);
        if (config.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
        return exitCode;
      }
      case 'sync': {
        const { summary, exitCode } = await runSyncCommand(config, reporter, signal);
        if (summary) {
          process.stdout.write(`${formatSyncSummary(summary)}\n`);
          if (config.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
        }
        return exitCode;
      }
      case 'serve':
        await runServe(config, reporter, signal);
        return ExitCode.Ok;
    }
  } catch (error) {
    reporter.finish();
    const code = exitCodeFor(error);
    process.stderr.write(`lcs-fetcher: ${(error as Error).message}\n`);
    if (jsonRequested(argv, process.env)) process.stdout.write(`${errorSummary(error)}\n`);
    if (code === ExitCode.PartialFailure && (error as Error).stack) {
      process.stderr.write(`${(error as Error).stack}\n`);
    }
    return code;
  }
}

process.exitCode = await main(process.argv.slice(2));
