import { describe, expect, it } from 'vitest';
import { StopRequestedError } from './errors.js';
import { signalExitCode, stoppedBy } from './stop-signal.js';

describe('stop signals', () => {
  it('exit 128 + the signal number, as shells report a signalled process', () => {
    expect(signalExitCode('SIGINT')).toBe(130);
    expect(signalExitCode('SIGTERM')).toBe(143);
  });

  it('tell which signal stopped a job, and nothing for another abort', () => {
    const stopped = new AbortController();
    stopped.abort(new StopRequestedError('SIGTERM'));
    expect(stoppedBy(stopped.signal)).toBe('SIGTERM');
    const other = new AbortController();
    other.abort();
    expect(stoppedBy(other.signal)).toBeUndefined();
    expect(stoppedBy(new AbortController().signal)).toBeUndefined();
  });
});
