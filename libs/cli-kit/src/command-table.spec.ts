/**
 * One table is the whole command line: an option added to it is parsed from its flag and its
 * variable, validated, named in errors, hidden when secret, and shown in both help pages.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CommandTable, type CommandOption } from './command-table.js';
import { ConfigError } from './errors.js';

const OPTIONS = {
  store: {
    flag: 'store',
    env: 'T_STORE',
    default: './store',
    help: 'where crates go',
    schema: z.string().min(1),
  },
  json: {
    flag: 'json',
    env: 'T_JSON',
    boolean: true,
    help: 'JSON summary',
    schema: z
      .union([z.boolean(), z.enum(['1', '0', 'true', 'false'])])
      .transform((v) => v === true || v === '1' || v === 'true'),
  },
  token: {
    env: 'T_TOKEN',
    help: 'a token (environment only)',
    secret: true,
    schema: z.string().min(16, 'at least 16 characters').optional(),
  },
  // The option this test adds, declared once: flag, variable, default, help and validator.
  retries: {
    flag: 'retries',
    env: 'T_RETRIES',
    default: '3',
    help: 'attempts per crate',
    schema: z.coerce.number().int().min(1, 'at least 1').max(9),
  },
  plugin: {
    flag: 'plugin',
    env: 'T_PLUGINS',
    multiple: true,
    help: 'a module to load',
    schema: z.array(z.string().min(1)).default([]),
  },
} as const satisfies Record<string, CommandOption>;

const COMMANDS = {
  sync: {
    summary: 'mirror the crates',
    description: 'Mirror every crate.',
    options: ['store', 'json', 'token', 'retries', 'plugin'],
  },
  status: {
    summary: 'what the mirror holds',
    description: 'Show the mirror.',
    options: ['store', 'json'],
  },
} as const;

const table = new CommandTable('tool', OPTIONS, COMMANDS, { footer: 'Exit status: 0 done.\n' });

describe('CommandTable', () => {
  it('parses a command typed by its options, flags over the environment, defaults last', () => {
    const sync = table.parse(['sync', '--retries', '5'], { T_RETRIES: '7', T_STORE: '/s' });
    expect(sync).toEqual({
      command: 'sync',
      store: '/s',
      json: false,
      token: undefined,
      retries: 5,
      plugin: [],
    });
    if (sync.command === 'sync') {
      // Typed from the validators: a number, not the raw string.
      const retries: number = sync.retries;
      expect(retries + 1).toBe(6);
    }
    expect(table.parse(['sync'], { T_RETRIES: '' })).toMatchObject({ retries: 3 });
    expect(table.parse(['status', '--json'], {})).toEqual({
      command: 'status',
      store: './store',
      json: true,
    });
  });

  it('takes a repeatable option from each flag, or from its variable as a comma-separated list', () => {
    expect(table.parse(['sync', '--plugin', 'a.mjs', '--plugin', 'b'], {})).toMatchObject({
      plugin: ['a.mjs', 'b'],
    });
    expect(table.parse(['sync'], { T_PLUGINS: 'a.mjs, b ,' })).toMatchObject({
      plugin: ['a.mjs', 'b'],
    });
    // Flags replace the variable's list, as one flag replaces one variable.
    expect(table.parse(['sync', '--plugin', 'c'], { T_PLUGINS: 'a,b' })).toMatchObject({
      plugin: ['c'],
    });
    expect(table.commandHelp('sync')).toContain('--plugin <v> ...');
  });

  it('names the bad input: its flag or variable and value, a secret by its variable only', () => {
    const refusal = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
      try {
        table.parse(argv, env);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return error as ConfigError;
      }
      throw new Error('parsed');
    };
    expect(refusal(['sync', '--retries', '0']).message).toBe('invalid --retries "0": at least 1');
    expect(refusal(['sync'], { T_RETRIES: 'ten' }).message).toMatch(/^invalid T_RETRIES "ten": /);
    const secret = refusal(['sync'], { T_TOKEN: 'short' });
    expect(secret.message).toBe('invalid T_TOKEN (hidden): at least 16 characters');
    expect(secret.input).toBe('T_TOKEN');
    expect(refusal(['status', '--retries', '2']).message).toBe(
      '--retries is not an option of status',
    );
    expect(refusal(['sync', '--retris', '2']).message).toContain('did you mean --retries?');
    expect(refusal(['mirror']).message).toBe(
      'unknown command "mirror"; the commands are sync, status',
    );
    expect(refusal(['sync', 'extra']).message).toBe('unexpected argument "extra"');
  });

  it('follows the conventions of git and cargo: did-you-mean commands, help <command>, --no-<flag>', () => {
    const refusal = (argv: string[]) => {
      try {
        table.parse(argv, {});
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return error as ConfigError;
      }
      throw new Error('parsed');
    };
    expect(refusal(['snyc']).message).toBe(
      'unknown command "snyc" (did you mean sync?); the commands are sync, status',
    );
    expect(refusal(['stauts']).message).toContain('(did you mean status?)');
    expect(table.parse(['help', 'sync'], {})).toEqual({ command: 'help', topic: 'sync' });
    expect(refusal(['help', 'snyc']).message).toContain('(did you mean sync?)');
    // A negated boolean wins over its variable, as any flag does.
    expect(table.parse(['status', '--no-json'], { T_JSON: '1' })).toMatchObject({ json: false });
    expect(table.parse(['status', '--json'], {})).toMatchObject({ json: true });
    expect(refusal(['status', '--no-store']).message).toContain(
      'only a boolean flag can be negated',
    );
    expect(table.help()).toMatch(/--\[no-\]json +JSON summary/);
  });

  it('explains itself from the same table: the program help and each command’s', () => {
    expect(table.parse(['--help'], {})).toEqual({ command: 'help' });
    expect(table.parse(['sync', '-h'], {})).toEqual({ command: 'help', topic: 'sync' });
    expect(table.parse(['-V'], {})).toEqual({ command: 'version' });
    const help = table.help();
    expect(help).toContain('  sync    mirror the crates');
    expect(help).toMatch(/--retries <v> +attempts per crate \[T_RETRIES\] \(default 3\) \{sync\}/);
    expect(help).toMatch(/--store <v> +where crates go \[T_STORE\] \(default \.\/store\)\n/);
    expect(help).toContain('(env only)');
    expect(help).toContain('Exit status: 0 done.');
    const status = table.commandHelp('status');
    expect(status).toContain('Usage: tool status [options]');
    expect(status).toContain('Show the mirror.');
    expect(status).not.toContain('--retries');
    expect(table.commandHelp('sync')).toContain('--retries');
  });
});
