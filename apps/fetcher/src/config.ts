import { parseArgs } from 'node:util';
import { z } from 'zod';

/** Thrown for a bad flag or environment variable; names the offending input. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(
    readonly input: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The crates.io git index: the default `--index`. */
export const CRATES_IO_INDEX = 'https://github.com/rust-lang/crates.io-index';

const scanSchema = z.object({
  command: z.literal('scan'),
  index: z.string().min(1),
  indexDir: z.string().min(1).optional(),
  rev: z.string().min(1).optional(),
  json: z.boolean(),
});

/** A parsed `scan` command line. */
export type ScanConfig = z.infer<typeof scanSchema>;
/** Any parsed command line. */
export type Config = ScanConfig | { command: 'help' };

export const USAGE = `Usage: lcs-fetcher <command> [options]

Commands:
  scan    Read an index and print what it holds (crates, versions, yanked, malformed lines).

Options (each also read from the environment variable shown):
  --index <SRC>      index: path, file://, http(s) git URL or sparse+https:// [LCS_INDEX]
                     (default ${CRATES_IO_INDEX})
  --index-dir <DIR>  cache for a cloned git index [LCS_INDEX_DIR] (default: OS temp dir)
  --rev <REV>        revision of a git index to read [LCS_INDEX_REV] (default HEAD)
  --json             end with one JSON summary line on stdout [LCS_JSON=1]
  -h, --help         this help

Exit status: 0 done; 1 some work failed (e.g. malformed index lines); 2 bad configuration
or input; 3 another fetcher holds the lock.
`;

/**
 * Parses flags and environment once, at start-up. Flags win over environment variables.
 * @throws {ConfigError} naming the bad flag or variable.
 */
export function parseConfig(argv: string[], env: NodeJS.ProcessEnv): Config {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        index: { type: 'string' },
        'index-dir': { type: 'string' },
        rev: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new ConfigError(argv.join(' '), (error as Error).message);
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (values.help || command === undefined || command === 'help') return { command: 'help' };
  if (positionals.length > 1)
    throw new ConfigError(
      positionals[1] ?? '',
      `unexpected argument ${JSON.stringify(positionals[1])}`,
    );
  const raw = {
    command,
    index: values.index ?? env['LCS_INDEX'] ?? CRATES_IO_INDEX,
    indexDir: values['index-dir'] ?? env['LCS_INDEX_DIR'],
    rev: values.rev ?? env['LCS_INDEX_REV'],
    json: values.json ?? ['1', 'true'].includes(env['LCS_JSON'] ?? ''),
  };
  const result = scanSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = String(issue?.path[0] ?? 'command');
    const input = String((raw as Record<string, unknown>)[key] ?? '');
    const what =
      key === 'command' ? 'command' : `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    throw new ConfigError(input, `invalid ${what} ${JSON.stringify(input)}: ${issue?.message}`);
  }
  return result.data;
}
