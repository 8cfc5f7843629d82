import { describe, expect, it } from 'vitest';
import { ConfigError, CRATES_IO_INDEX, parseConfig } from './config.js';

describe('parseConfig', () => {
  it('defaults to the crates.io git index', () => {
    expect(parseConfig(['scan'], {})).toEqual({
      command: 'scan',
      index: CRATES_IO_INDEX,
      json: false,
      logFormat: 'auto',
      quiet: false,
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
      logFormat: 'auto',
      quiet: false,
    });
    expect(parseConfig(['scan', '--index', '/flag', '--index-dir', '/c2'], env)).toMatchObject({
      index: '/flag',
      indexDir: '/c2',
    });
  });

  it.each([
    [['scan', '--nope'], '--nope'],
    [['sync-everything'], 'unknown command "sync-everything"'],
    [['scan', '--store', 'x'], '--store is not an option of scan'],
    [['sync', '--concurrency', '0'], 'invalid --concurrency "0"'],
    [['sync', '--pushgateway', 'gateway:9091'], 'invalid --pushgateway "gateway:9091"'],
    [['sync', '--metrics-file', 'out.txt'], 'invalid --metrics-file "out.txt"'],
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

  it('names the bad environment variable and its value, and treats an empty variable as unset', () => {
    expect(() => parseConfig(['sync'], { LCS_CONCURRENCY: 'lots' })).toThrow(
      'invalid LCS_CONCURRENCY "lots"',
    );
    expect(() => parseConfig(['serve'], { LCS_WEBHOOK_SECRET: 'short' })).toThrow(
      'invalid LCS_WEBHOOK_SECRET (hidden)',
    );
    expect(parseConfig(['scan'], { LCS_INDEX_DIR: '' })).not.toHaveProperty('indexDir');
  });

  it('reads sync and serve options with their defaults', () => {
    expect(
      parseConfig(['sync'], { LCS_MAX_SESSION_CRATES: '100', LCS_FULL: 'true' }),
    ).toMatchObject({
      command: 'sync',
      store: './.lcs/store',
      metadata: './.lcs/metadata',
      concurrency: 8,
      maxSessionCrates: 100,
      full: true,
      noPerCrateMetrics: false,
      drainSeconds: 30,
    });
    expect(parseConfig(['serve', '--port', '9000', '--allow-unsigned-webhook'], {})).toMatchObject({
      command: 'serve',
      port: 9000,
      intervalMinutes: 60,
      allowUnsignedWebhook: true,
    });
  });

  it('shows help without a command', () => {
    expect(parseConfig([], {})).toEqual({ command: 'help' });
    expect(parseConfig(['help'], {})).toEqual({ command: 'help' });
    // A command's --help is that command's page.
    expect(parseConfig(['scan', '-h'], {})).toEqual({ command: 'help', topic: 'scan' });
    expect(parseConfig(['-V'], {})).toEqual({ command: 'version' });
  });

  it('takes the log format and --quiet on every command, and refuses an unknown format', () => {
    expect(parseConfig(['status', '--log-format', 'json', '--quiet'], {})).toMatchObject({
      command: 'status',
      logFormat: 'json',
      quiet: true,
    });
    expect(parseConfig(['sync'], { LCS_LOG_FORMAT: 'text' })).toMatchObject({ logFormat: 'text' });
    expect(() => parseConfig(['scan', '--log-format', 'xml'], {})).toThrow(
      'invalid --log-format "xml"',
    );
  });
});
