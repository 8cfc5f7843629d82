/**
 * Command-line options described once: each has a flag, an environment variable, a default and
 * help text. Flags win over the environment; an empty variable counts as unset. The caller
 * validates the result (with zod) and names the origin of a bad value in its error.
 */

/** One option of a command. */
export interface OptionSpec {
  /** Flag name without dashes; absent for environment-only options (secrets). */
  readonly flag?: string;
  readonly env: string;
  readonly default?: string;
  readonly boolean?: boolean;
  /**
   * Repeatable (`--x a --x b`); its raw value is a list, and its variable a comma-separated one.
   * Flags replace the variable's list, as a single flag replaces a variable.
   */
  readonly multiple?: boolean;
  readonly help: string;
}

/** Raw values by option key, and where each came from (`--flag`, the variable, or `default of VAR`). */
export interface ResolvedOptions {
  readonly raw: Record<string, unknown>;
  readonly origin: Record<string, string>;
}

/** Resolves `keys` of `table` from parsed flag values and the environment. */
export function resolveOptions(
  table: Readonly<Record<string, OptionSpec>>,
  keys: readonly string[],
  values: Readonly<Record<string, string | boolean | string[] | undefined>>,
  env: NodeJS.ProcessEnv,
): ResolvedOptions {
  const raw: Record<string, unknown> = {};
  const origin: Record<string, string> = {};
  for (const key of keys) {
    const o = table[key];
    if (!o) continue;
    const fromFlag = o.flag ? values[o.flag] : undefined;
    const variable = env[o.env] === '' ? undefined : env[o.env];
    const fromEnv = o.multiple && variable !== undefined ? listOf(variable) : variable;
    const fallback = o.multiple && o.default !== undefined ? listOf(o.default) : o.default;
    const value = fromFlag ?? fromEnv ?? fallback ?? (o.boolean ? false : undefined);
    if (value !== undefined) raw[key] = value;
    origin[key] =
      fromFlag !== undefined
        ? `--${o.flag}`
        : fromEnv !== undefined
          ? o.env
          : `default of ${o.env}`;
  }
  return { raw, origin };
}

/** A comma-separated list, its items trimmed, empty ones dropped. */
function listOf(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** `parseArgs` option declarations for every flag of `table`. */
export function flagDeclarations(
  table: Readonly<Record<string, OptionSpec>>,
): Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> {
  return Object.fromEntries(
    Object.values(table).flatMap((o) =>
      o.flag
        ? [
            [
              o.flag,
              {
                type: o.boolean ? ('boolean' as const) : ('string' as const),
                ...(o.multiple ? { multiple: true } : {}),
              },
            ],
          ]
        : [],
    ),
  );
}

/** Help lines for `keys` of `table`: flag, text, variable, default. */
export function optionHelp(
  table: Readonly<Record<string, OptionSpec>>,
  keys: readonly string[],
  width = 26,
): string {
  return keys
    .flatMap((k) => (table[k] ? [table[k]] : []))
    .map((o) => {
      const name = o.flag
        ? o.boolean
          ? o.flag.startsWith('no-')
            ? `--${o.flag}`
            : `--[no-]${o.flag}`
          : `--${o.flag} <v>${o.multiple ? ' ...' : ''}`
        : '(env only)';
      return `  ${name.padEnd(width)} ${o.help} [${o.env}]${o.default && !o.boolean ? ` (default ${o.default})` : ''}`;
    })
    .join('\n');
}
