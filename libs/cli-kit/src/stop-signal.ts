/**
 * SIGTERM and SIGINT as an `AbortSignal`: the first one asks the job to stop cleanly (it saves its
 * progress); a second one means "now" and exits at once, which loses nothing either, because every
 * write the services make is atomic. Either way a job a signal stopped exits 128 + the signal's
 * number (130 for SIGINT, 143 for SIGTERM), as shells and `kubectl` report a signalled process.
 */
import { constants } from 'node:os';
import { StopRequestedError } from './errors.js';

/** The exit status of a job stopped by `signal`: 128 + its number (SIGINT 130, SIGTERM 143). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

/** The signal that stopped the job, once one did. */
export function stoppedBy(signal: AbortSignal): NodeJS.Signals | undefined {
  return signal.reason instanceof StopRequestedError ? signal.reason.signal : undefined;
}

/**
 * Aborts the returned signal on the first SIGTERM or SIGINT, after `onStop(signal)`; its reason is
 * a {@link StopRequestedError} naming the signal ({@link stoppedBy}).
 */
export function stopSignal(onStop: (signal: NodeJS.Signals) => void): AbortSignal {
  const controller = new AbortController();
  const stop = (signal: NodeJS.Signals) => {
    onStop(signal);
    controller.abort(new StopRequestedError(signal));
    process.once(signal, () => process.exit(signalExitCode(signal)));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return controller.signal;
}
