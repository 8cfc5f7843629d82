import { describe, expect, it } from 'vitest';
import { LcsError, type ErrorKind } from './lcs-error.js';

type Code = 'DEMO_BAD' | 'DEMO_BUSY';
const KINDS = { DEMO_BAD: 'bad-input', DEMO_BUSY: 'conflict' } as const satisfies Record<
  Code,
  ErrorKind
>;

class DemoError extends LcsError<Code> {
  constructor(code: Code, input: string, options?: ErrorOptions) {
    super(code, input, KINDS[code], `${input}: ${code}`, options);
  }
}

describe('LcsError', () => {
  it('carries code, input, kind, cause and the subclass name', () => {
    const cause = new Error('underneath');
    const error = new DemoError('DEMO_BUSY', 'lock/x', { cause });
    expect(error).toBeInstanceOf(LcsError);
    expect(error).toBeInstanceOf(Error);
    expect([error.name, error.code, error.input, error.kind, error.cause]).toEqual([
      'DemoError',
      'DEMO_BUSY',
      'lock/x',
      'conflict',
      cause,
    ]);
    expect(new DemoError('DEMO_BAD', 'f').kind).toBe('bad-input');
  });
});
