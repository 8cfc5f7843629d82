/**
 * Parsing a command line the way `gh`, `kubectl`, `npm` and `cargo` users expect: `-h`/`--help`
 * and `-V`/`--version` everywhere, every boolean flag negatable (`--no-json`, as git and cargo
 * spell it), and an unknown flag refused with the closest known one ("did you mean
 * --concurrency?") instead of Node's parseArgs text. A short flag we do not define (`-c`) is
 * answered with the long flags it could abbreviate, not with the nearest name by edit distance
 * (which for one letter is any short name).
 */
import { parseArgs } from 'node:util';
import { ConfigError } from './errors.js';
import { flagDeclarations, type OptionSpec } from './option-table.js';

/** A parsed command line: positionals, flag values, and the two flags every command has. */
export interface CommandLine {
  readonly positionals: string[];
  readonly values: Record<string, string | boolean | string[] | undefined>;
  readonly help: boolean;
  readonly version: boolean;
}

/**
 * Parses `argv` against the flags of `table`.
 * @throws {ConfigError} for an unknown flag (naming the closest known one) or a missing value.
 */
export function parseCommandLine(
  argv: readonly string[],
  table: Readonly<Record<string, OptionSpec>>,
): CommandLine {
  const options = {
    ...flagDeclarations(table),
    help: { type: 'boolean' as const, short: 'h' },
    version: { type: 'boolean' as const, short: 'V' },
  };
  const types: Readonly<Record<string, { readonly type: string }>> = options;
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      allowNegative: true,
      strict: true,
      options,
    });
  } catch (error) {
    refuseNegatedValue(argv, types);
    const names = Object.keys(options);
    const booleans = names.filter((n) => types[n]?.type === 'boolean');
    const unknown = unknownFlag(argv, names, booleans);
    if (unknown)
      throw new ConfigError(
        unknown,
        `unknown option ${unknown}${hint(unknown, names)}; see --help`,
      );
    throw new ConfigError(argv.join(' '), `${(error as Error).message}; see --help`);
  }
  refuseNegatedValue(argv, types);
  const { help, version, ...values } = parsed.values as Record<
    string,
    string | boolean | string[] | undefined
  >;
  // A flag whose own name starts with `no-` (`--no-per-crate-metrics`) is read by parseArgs as
  // the negation of a flag that does not exist (`per-crate-metrics: false`): give it back.
  for (const key of Object.keys(values)) {
    if (types[key] === undefined && types[`no-${key}`]?.type === 'boolean') {
      values[`no-${key}`] = values[key] === false;
      delete values[key];
    }
  }
  return {
    positionals: parsed.positionals,
    values,
    help: help === true,
    version: version === true,
  };
}

/** `--no-x` for a flag `x` that takes a value: parseArgs would read it as `x: false`. */
function refuseNegatedValue(
  argv: readonly string[],
  types: Readonly<Record<string, { readonly type: string }>>,
): void {
  for (const arg of argv) {
    if (arg === '--') return;
    const negated = /^--no-([^=]+)$/.exec(arg)?.[1];
    if (negated !== undefined && types[negated]?.type === 'string')
      throw new ConfigError(arg, `${arg}: only a boolean flag can be negated; see --help`);
  }
}

/**
 * The first argument that looks like a flag none of `known` spells (`--x`, `--x=1`, `-x`);
 * `--no-x` is known for each boolean `x`.
 */
function unknownFlag(
  argv: readonly string[],
  known: readonly string[],
  booleans: readonly string[],
): string | undefined {
  for (const arg of argv) {
    if (arg === '--') return undefined;
    if (!arg.startsWith('-') || arg === '-') continue;
    const name = arg.replace(/^-+/, '').split('=')[0] ?? '';
    if (!arg.startsWith('--')) {
      if (!['h', 'V'].includes(name)) return arg;
    } else if (!known.includes(name) && !booleans.some((b) => name === `no-${b}`)) return arg;
  }
  return undefined;
}

/** What an unknown flag may have meant, as the end of its error (or nothing). */
function hint(unknown: string, names: readonly string[]): string {
  const name = unknown.replace(/^-+/, '').split('=')[0] ?? '';
  if (!unknown.startsWith('--')) {
    // `-c`: the long flags starting with its letters (what it may abbreviate), at most three.
    const starts = names.filter((n) => n.startsWith(name) && n.length > name.length);
    if (starts.length === 0) return '';
    const listed = starts.slice(0, 3).map((n) => `--${n}`);
    return starts.length === 1
      ? ` (did you mean ${listed[0]}?)`
      : ` (did you mean one of ${listed.join(', ')}${starts.length > 3 ? ', ...' : ''}?)`;
  }
  const near = closest(name, names);
  return near ? ` (did you mean --${near}?)` : '';
}

/**
 * The known name nearest to `name`, when it is close enough to be a typo: at most one edit per
 * three characters, and at least one (cargo's rule), counting a swap of two neighbours as one
 * edit (`snyc` is one from `sync`).
 */
export function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const d = editDistance(name, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined;
}

/** Optimal string alignment distance: Levenshtein plus the swap of two neighbouring characters. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    const up = rows[i - 1] ?? [];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((up[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (up[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? 0;
}
