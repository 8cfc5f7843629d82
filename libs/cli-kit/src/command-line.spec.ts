import { describe, expect, it } from 'vitest';
import { closest, parseCommandLine } from './command-line.js';
import { ConfigError } from './errors.js';

const TABLE = {
  concurrency: { flag: 'concurrency', env: 'X_CONCURRENCY', help: 'n' },
  json: { flag: 'json', env: 'X_JSON', boolean: true, help: 'j' },
  store: { flag: 'store', env: 'X_STORE', help: 's' },
};

function refusal(argv: string[]): ConfigError {
  try {
    parseCommandLine(argv, TABLE);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
}

describe('parseCommandLine', () => {
  it('parses flags and positionals, with -h/--help and -V/--version on every command', () => {
    const line = parseCommandLine(['sync', '--concurrency', '4', '--json'], TABLE);
    expect(line).toEqual({
      positionals: ['sync'],
      values: { concurrency: '4', json: true },
      help: false,
      version: false,
    });
    expect(parseCommandLine(['-V'], TABLE).version).toBe(true);
    expect(parseCommandLine(['sync', '--version'], TABLE).version).toBe(true);
    expect(parseCommandLine(['sync', '-h'], TABLE).help).toBe(true);
  });

  it('refuses an unknown flag naming it and the closest known one', () => {
    const typo = refusal(['sync', '--concurency', '4']);
    expect(typo.input).toBe('--concurency');
    expect(typo.message).toContain('did you mean --concurrency?');
    expect(refusal(['sync', '--stor=x']).message).toContain('did you mean --store?');
    const far = refusal(['sync', '--frobnicate']);
    expect(far.message).toContain('unknown option --frobnicate');
    expect(far.message).not.toContain('did you mean');
    expect(refusal(['sync', '-x']).input).toBe('-x');
  });

  it('refuses a flag without its value', () => {
    expect(refusal(['sync', '--store']).message).toMatch(/--store/);
  });

  it('finds the nearest name only within typo distance', () => {
    expect(closest('jsno', ['json', 'store'])).toBe('json');
    expect(closest('metadata', ['json', 'store'])).toBeUndefined();
  });
});
