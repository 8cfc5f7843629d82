/**
 * Parsing a command line the way `gh`, `kubectl`, `npm` and `cargo` users expect: `-h`/`--help`
 * and `-V`/`--version` everywhere, and an unknown flag refused with the closest known one
 * ("did you mean --concurrency?") instead of Node's parseArgs text.
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
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options });
  } catch (error) {
    const unknown = unknownFlag(argv, Object.keys(options));
    if (unknown) {
      const near = closest(unknown.replace(/^-+/, '').split('=')[0] ?? '', Object.keys(options));
      throw new ConfigError(
        unknown,
        `unknown option ${unknown}${near ? ` (did you mean --${near}?)` : ''}; see --help`,
      );
    }
    throw new ConfigError(argv.join(' '), `${(error as Error).message}; see --help`);
  }
  const { help, version, ...values } = parsed.values as Record<
    string,
    string | boolean | string[] | undefined
  >;
  return {
    positionals: parsed.positionals,
    values,
    help: help === true,
    version: version === true,
  };
}

/** The first argument that looks like a flag none of `known` spells (`--x`, `--x=1`, `-x`). */
function unknownFlag(argv: readonly string[], known: readonly string[]): string | undefined {
  for (const arg of argv) {
    if (arg === '--') return undefined;
    if (!arg.startsWith('-') || arg === '-') continue;
    const name = arg.replace(/^-+/, '').split('=')[0] ?? '';
    if (arg.startsWith('--') ? !known.includes(name) : !['h', 'V'].includes(name)) return arg;
  }
  return undefined;
}

/** The known name nearest to `name` by edit distance, when it is close enough to be a typo. */
export function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const d = editDistance(name, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** Levenshtein distance, two rows. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitute = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, substitute));
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}
