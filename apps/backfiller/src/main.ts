#!/usr/bin/env node
/**
 * ais-backfiller entry point: parse configuration once, run, handle signals, map errors to exit
 * statuses. Domain logic lives in the libraries.
 */
import { parseConfig, USAGE } from './config.js';
import { exitCodeFor, ExitCode } from './exit-codes.js';
import { createReporter, errorSummary, jsonRequested, stopSignal } from '@lcs/cli-kit';
import { runBackfill } from './run-command.js';

async function main(argv: string[]): Promise<number> {
  const reporter = createReporter(process.stderr);
  // A second signal exits at once (stopSignal); every write is atomic, so nothing is half-stored.
  const signal = stopSignal((received) =>
    reporter.log('warn', `${received} received: finishing the files in progress, then committing`),
  );
  try {
    const config = parseConfig(argv, process.env);
    if (config.command === 'help') {
      process.stdout.write(USAGE);
      return ExitCode.Ok;
    }
    const { summary, exitCode } = await runBackfill(config, reporter, signal);
    const n = (v: number) => v.toLocaleString('en-US');
    process.stdout.write(
      `backfill   ${n(summary.processed)} processed: ${n(summary.written)} written, ${n(summary.failed)} unreadable (recorded), ${n(summary.skipped)} not in store, ${n(summary.deferred)} deferred\n` +
        `augmented  ${n(summary.files_changed)} files changed, ${n(summary.dropped)} lines dropped, commit ${summary.commit ?? '(none: nothing changed)'}\n` +
        `took       ${summary.duration_s.toFixed(2)} s${summary.interrupted ? ' (stopped early)' : ''}\n`,
    );
    if (config.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    return exitCode;
  } catch (error) {
    reporter.finish();
    process.stderr.write(`ais-backfiller: ${(error as Error).message}\n`);
    if (jsonRequested(argv, process.env)) process.stdout.write(`${errorSummary(error)}\n`);
    return exitCodeFor(error);
  }
}

process.exitCode = await main(process.argv.slice(2));
