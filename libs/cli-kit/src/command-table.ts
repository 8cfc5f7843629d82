/**
 * A command line declared once, as a table: every option with its flag, environment variable,
 * default, help text, validator and secrecy, and every command with the options it takes. The
 * parse (flags over environment, an unknown flag with its did-you-mean, a flag of another command,
 * a bad value naming where it came from, a secret never echoed), the typed result of each command,
 * the program's help and each command's `--help` all come from the table. Adding an option is one
 * entry in the table and its key in the commands that take it; a key no option declares fails to
 * compile. After vitest's `cli-config.ts` and nx's shared option groups.
 */
import { closest, parseCommandLine } from './command-line.js';
import { ConfigError } from './errors.js';
import { optionHelp, resolveOptions, type OptionSpec } from './option-table.js';

/** What checks one option's raw value and gives its typed value: a zod schema is one. */
export interface OptionValidator<T> {
  safeParse(input: unknown):
    | { readonly success: true; readonly data: T }
    | {
        readonly success: false;
        readonly error: { readonly issues: ReadonlyArray<{ message: string }> };
      };
}

/** One option, declared once. */
export interface CommandOption<T = unknown> extends OptionSpec {
  readonly schema: OptionValidator<T>;
  /** Environment only (no `flag`), and never echoed in a message: a token, a secret. */
  readonly secret?: boolean;
}

/** One command: what its help says, and the options it takes (keys of the option table). */
export interface CommandSpec<K extends string = string> {
  /** One line in the program's help. */
  readonly summary: string;
  /** The paragraph of the command's own `--help`. */
  readonly description: string;
  readonly options: readonly K[];
}

/** The typed value of an option. */
export type OptionValue<O> = O extends CommandOption<infer T> ? T : never;

/** The options of `K` whose validator may give `undefined`: absent from a parse that has none. */
type OptionalKeys<O, K extends keyof O> = {
  [P in K]: undefined extends OptionValue<O[P]> ? P : never;
}[K];

/** The typed values of options `K`: an option without a value is absent, not `undefined`. */
type OptionValues<O, K extends keyof O> = {
  -readonly [P in Exclude<K, OptionalKeys<O, K>>]: OptionValue<O[P]>;
} & {
  -readonly [P in OptionalKeys<O, K>]?: Exclude<OptionValue<O[P]>, undefined>;
};

/** What a command line parses to: the command and the typed value of each of its options. */
export type ParsedCommand<
  O extends Readonly<Record<string, CommandOption>>,
  C extends Readonly<Record<string, CommandSpec<keyof O & string>>>,
> = {
  [K in keyof C & string]: { command: K } & OptionValues<O, C[K]['options'][number]>;
}[keyof C & string];

/** A parsed command line: a command, a help page (`topic`: a command's), or the version. */
export type ParsedLine<
  O extends Readonly<Record<string, CommandOption>>,
  C extends Readonly<Record<string, CommandSpec<keyof O & string>>>,
> = ParsedCommand<O, C> | { command: 'help'; topic?: keyof C & string } | { command: 'version' };

/** Texts of the program's help around what the table gives. */
export interface CommandTableText {
  /** After the commands: how they relate, what a run does (optional). */
  readonly about?: string;
  /** At the end: the exit statuses. */
  readonly footer: string;
}

/** A command line's options and commands, parsed and explained from one table. */
export class CommandTable<
  O extends Readonly<Record<string, CommandOption>>,
  C extends Readonly<Record<string, CommandSpec<keyof O & string>>>,
> {
  readonly #flagToKey: ReadonlyMap<string, string>;

  constructor(
    /** The command's name, as users type it. */
    readonly program: string,
    readonly options: O,
    readonly commands: C,
    readonly text: CommandTableText,
  ) {
    this.#flagToKey = new Map(
      Object.entries(options).flatMap(([key, o]): Array<[string, string]> =>
        o.flag ? [[o.flag, key]] : [],
      ),
    );
  }

  /**
   * Parses `argv` and `env` once: flags win over the environment, an empty variable counts as
   * unset, and each option is checked by its validator.
   * @throws {ConfigError} naming the bad flag or variable and its value (a secret's variable only).
   */
  parse(argv: readonly string[], env: NodeJS.ProcessEnv): ParsedLine<O, C> {
    const { positionals, values, help, version } = parseCommandLine(argv, this.options);
    const command = positionals[0];
    if (version) return { command: 'version' };
    if (help && command !== undefined && this.#isCommand(command))
      return { command: 'help', topic: command };
    // `help <command>`, as git, cargo and npm read it.
    if (command === 'help' && positionals[1] !== undefined) {
      const topic = positionals[1];
      if (!this.#isCommand(topic)) throw this.#unknownCommand(topic);
      return { command: 'help', topic };
    }
    if (help || command === undefined || command === 'help') return { command: 'help' };
    if (!this.#isCommand(command)) throw this.#unknownCommand(command);
    if (positionals.length > 1)
      throw new ConfigError(
        positionals[1] ?? '',
        `unexpected argument ${JSON.stringify(positionals[1])}`,
      );
    const keys: readonly string[] = (this.commands[command] as CommandSpec).options;
    for (const flag of Object.keys(values)) {
      const key = this.#flagToKey.get(flag);
      if (key !== undefined && !keys.includes(key))
        throw new ConfigError(`--${flag}`, `--${flag} is not an option of ${command}`);
    }
    const { raw, origin } = resolveOptions(this.options, keys, values, env);
    const parsed: Record<string, unknown> = { command };
    for (const key of keys) {
      const option = this.options[key] as CommandOption;
      const result = option.schema.safeParse(raw[key]);
      if (result.success) {
        if (result.data !== undefined) parsed[key] = result.data;
        continue;
      }
      // A secret is never echoed: the error names its variable instead of its value.
      const input = String(raw[key] ?? '');
      const shown = option.secret ? '(hidden)' : JSON.stringify(input);
      throw new ConfigError(
        option.secret ? option.env : input,
        `invalid ${origin[key] ?? key} ${shown}: ${result.error.issues[0]?.message ?? 'invalid'}`,
      );
    }
    return parsed as ParsedLine<O, C>;
  }

  /** The program's help: commands, every option (with the commands that take it), the footer. */
  help(): string {
    const names = Object.keys(this.commands);
    const width = Math.max(...names.map((n) => n.length));
    const takers = (key: string) =>
      names.filter((n) => (this.commands[n]?.options as readonly string[]).includes(key));
    const lines = Object.keys(this.options).map((key) => {
      const [line = ''] = optionHelp(this.options, [key], 28).split('\n');
      const by = takers(key);
      return by.length === names.length ? line : `${line} {${by.join(', ')}}`;
    });
    return `Usage: ${this.program} <command> [options]

Commands:
${names.map((n) => `  ${n.padEnd(width)}  ${this.commands[n]?.summary ?? ''}`).join('\n')}
${this.text.about ? `\n${this.text.about}\n` : ''}
Options (each also read from the environment variable shown; flags win; {the commands that take it}):
${lines.join('\n')}
${'  -h, --help'.padEnd(31)}this help (after a command: that command's)
${'  -V, --version'.padEnd(31)}the version

${this.text.footer}`;
  }

  /** A command's own `--help`: its description and its options only. */
  commandHelp(command: keyof C & string): string {
    const spec = this.commands[command] as CommandSpec;
    return `Usage: ${this.program} ${command} [options]

${spec.description}

Options (each also read from the environment variable shown; flags win):
${optionHelp(this.options, spec.options, 28)}
${'  -h, --help'.padEnd(31)}this help
${'  -V, --version'.padEnd(31)}the version

Exit status: see ${this.program} --help.
`;
  }

  /** An unknown command, with the nearest one when it is a typo of it, and the list. */
  #unknownCommand(name: string): ConfigError {
    const names = Object.keys(this.commands);
    const near = closest(name, names);
    return new ConfigError(
      name,
      `unknown command ${JSON.stringify(name)}${near ? ` (did you mean ${near}?)` : ''}; the commands are ${names.join(', ')}`,
    );
  }

  #isCommand(name: string): name is keyof C & string {
    return Object.hasOwn(this.commands, name);
  }
}
