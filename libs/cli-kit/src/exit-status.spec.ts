import { describe, expect, it } from 'vitest';
import { ExitCode, exitCodeFor } from './exit-status.js';

const error = (code?: string) => Object.assign(new Error('x'), code ? { code } : {});

describe('exitCodeFor', () => {
  it('maps the lock, bad input (shared and the app’s own) and everything else', () => {
    expect(exitCodeFor(error('LOCK_HELD'))).toBe(ExitCode.Locked);
    expect(exitCodeFor(error('CONFIG_INVALID'))).toBe(ExitCode.BadInput);
    expect(exitCodeFor(error('STORE_URL_INVALID'))).toBe(ExitCode.BadInput);
    expect(exitCodeFor(error('APP_SPECIFIC'))).toBe(ExitCode.PartialFailure);
    expect(exitCodeFor(error('APP_SPECIFIC'), ['APP_SPECIFIC'])).toBe(ExitCode.BadInput);
    expect(exitCodeFor(error())).toBe(ExitCode.PartialFailure);
    expect(exitCodeFor('not an error')).toBe(ExitCode.PartialFailure);
  });
});
