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

  it('answers an undefined short flag with the long flags it may abbreviate, not any short name', () => {
    const c = refusal(['sync', '-c', '4']);
    expect(c.input).toBe('-c');
    expect(c.message).toBe('unknown option -c (did you mean --concurrency?); see --help');
    expect(refusal(['sync', '-s']).message).toContain('did you mean --store?');
    expect(refusal(['sync', '-q']).message).toBe('unknown option -q; see --help');
  });

  it('negates every boolean flag with --no-, and no other flag', () => {
    expect(parseCommandLine(['sync', '--no-json'], TABLE).values).toEqual({ json: false });
    expect(refusal(['sync', '--no-store']).message).toContain('only a boolean flag can be negated');
    expect(refusal(['sync', '--no-jsn']).input).toBe('--no-jsn');
    // A flag named with `no-` keeps its meaning.
    const own = {
      ...TABLE,
      quiet: { flag: 'no-color', env: 'X_NO_COLOR', boolean: true, help: 'c' },
    };
    expect(parseCommandLine(['sync', '--no-color'], own).values).toEqual({ 'no-color': true });
  });

  it('refuses a flag without its value', () => {
    expect(refusal(['sync', '--store']).message).toMatch(/--store/);
  });

  it('finds the nearest name only within typo distance', () => {
    expect(closest('jsno', ['json', 'store'])).toBe('json');
    expect(closest('metadata', ['json', 'store'])).toBeUndefined();
    // A swap of two neighbours is one edit; a short name allows one.
    expect(closest('snyc', ['sync', 'status'])).toBe('sync');
    expect(closest('dl', ['c', 'd'])).toBe('d');
    expect(closest('ab', ['cd'])).toBeUndefined();
  });
});
