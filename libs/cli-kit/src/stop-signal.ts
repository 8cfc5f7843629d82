/**
 * SIGTERM and SIGINT as an `AbortSignal`: the first one asks the job to stop cleanly (it saves its
 * progress); a second one means "now" and exits with status 1, which loses nothing either, because
 * every write the services make is atomic.
 */
import { ExitCode } from './exit-status.js';

/** Aborts the returned signal on the first SIGTERM or SIGINT, after `onStop(signal)`. */
export function stopSignal(onStop: (signal: NodeJS.Signals) => void): AbortSignal {
  const controller = new AbortController();
  const stop = (signal: NodeJS.Signals) => {
    onStop(signal);
    controller.abort();
    process.once(signal, () => process.exit(ExitCode.PartialFailure));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return controller.signal;
}
