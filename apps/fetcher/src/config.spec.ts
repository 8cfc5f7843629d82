import { describe, expect, it } from 'vitest';
import { ConfigError, CRATES_IO_INDEX, parseConfig } from './config.js';

describe('parseConfig', () => {
  it('defaults to the crates.io git index', () => {
    expect(parseConfig(['scan'], {})).toEqual({
      command: 'scan',
      index: CRATES_IO_INDEX,
      json: false,
    });
  });

  it('reads the environment, and flags win over it', () => {
    const env = {
      LCS_INDEX: '/from/env',
      LCS_INDEX_DIR: '/cache',
      LCS_JSON: '1',
      LCS_INDEX_REV: 'abc',
    };
    expect(parseConfig(['scan'], env)).toEqual({
      command: 'scan',
      index: '/from/env',
      indexDir: '/cache',
      rev: 'abc',
      json: true,
    });
    expect(parseConfig(['scan', '--index', '/flag', '--index-dir', '/c2'], env)).toMatchObject({
      index: '/flag',
      indexDir: '/c2',
    });
  });

  it.each([
    [['scan', '--nope'], '--nope'],
    [['sync-everything'], 'invalid command "sync-everything"'],
    [['scan', '--index', ''], 'invalid --index ""'],
    [['scan', 'extra'], 'unexpected argument "extra"'],
  ])('refuses %j with a ConfigError naming the input', (argv, text) => {
    try {
      parseConfig(argv, {});
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).code).toBe('CONFIG_INVALID');
      expect((error as Error).message).toContain(text);
    }
  });

  it('names the bad environment variable value', () => {
    expect(() => parseConfig(['scan'], { LCS_INDEX_DIR: '' })).toThrow('invalid --index-dir ""');
  });

  it('shows help without a command', () => {
    expect(parseConfig([], {})).toEqual({ command: 'help' });
    expect(parseConfig(['scan', '-h'], {})).toEqual({ command: 'help' });
  });
});
