import { describe, expect, it } from 'vitest';
import { CliKitError, ConfigError, StopRequestedError } from './errors.js';
import { ExitCode, exitCodeFor } from './exit-status.js';

const classified = (kind: string) => Object.assign(new Error('x'), { kind });

describe('exitCodeFor', () => {
  it('maps an error by its classification, not by any code string', () => {
    expect(exitCodeFor(classified('conflict'))).toBe(ExitCode.Locked);
    expect(exitCodeFor(classified('bad-input'))).toBe(ExitCode.BadInput);
    expect(exitCodeFor(classified('transient'))).toBe(ExitCode.PartialFailure);
    expect(exitCodeFor(classified('bug'))).toBe(ExitCode.PartialFailure);
    // A code alone, even one that once meant bad input, classifies nothing.
    expect(exitCodeFor(Object.assign(new Error('x'), { code: 'CONFIG_INVALID' }))).toBe(
      ExitCode.PartialFailure,
    );
    expect(exitCodeFor(new Error('x'))).toBe(ExitCode.PartialFailure);
    expect(exitCodeFor('not an error')).toBe(ExitCode.PartialFailure);
    expect(exitCodeFor(null)).toBe(ExitCode.PartialFailure);
  });

  it('classifies cli-kit’s own errors through their base class', () => {
    const config = new ConfigError('--sample', 'invalid --sample "2"');
    expect(config).toBeInstanceOf(CliKitError);
    expect(config).toMatchObject({ code: 'CONFIG_INVALID', input: '--sample', kind: 'bad-input' });
    expect(config.name).toBe('ConfigError');
    expect(exitCodeFor(config)).toBe(ExitCode.BadInput);
    const stop = new StopRequestedError('SIGTERM');
    expect(stop).toMatchObject({ code: 'STOP_REQUESTED', signal: 'SIGTERM', kind: 'transient' });
  });
});
