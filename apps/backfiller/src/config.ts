/**
 * The backfiller's configuration: flags and environment parsed once at start-up with zod. Every
 * flag also reads an environment variable (flags win); a bad value is refused naming it.
 */
import {
  ConfigError,
  optionHelp,
  parseCommandLine,
  resolveOptions,
  type OptionSpec,
} from '@lcs/cli-kit';

export { ConfigError };
import { z } from 'zod';

const flag = z
  .union([z.boolean(), z.enum(['1', 'true', '0', 'false', ''])])
  .transform((v) => v === true || v === '1' || v === 'true');
const count = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const runSchema = z.object({
  command: z.literal('run'),
  originalIndex: z.string().min(1),
  augmentedIndex: z.string().min(1),
  augmentedIndexDir: z.string().min(1).optional(),
  indexDir: z.string().min(1).optional(),
  store: z.string().min(1),
  metadata: z.string().min(1),
  maxCrates: count(1, 100_000_000).optional(),
  concurrency: count(1, 256),
  parseThreads: count(0, 64),
  full: flag,
  gitBackend: z.enum(['auto', 'git', 'isomorphic-git']),
  push: flag,
  json: flag,
  logFormat: z.enum(['auto', 'text', 'json']),
  quiet: flag,
  author: z.string().regex(/^[^<>]+ <[^<>@\s]+@[^<>\s]+>$/, 'written as "Name <email>"'),
  gitToken: z.string().min(1).optional(),
  metricsFile: z
    .string()
    .regex(/\.prom$/, 'a path ending in .prom')
    .optional(),
  pushgateway: z
    .string()
    .regex(/^https?:\/\/\S+$/, 'an http(s) URL')
    .optional(),
});

const statusSchema = z.object({
  command: z.literal('status'),
  augmentedIndex: runSchema.shape.augmentedIndex,
  augmentedIndexDir: runSchema.shape.augmentedIndexDir,
  metadata: runSchema.shape.metadata,
  gitBackend: runSchema.shape.gitBackend,
  json: flag,
  logFormat: runSchema.shape.logFormat,
  quiet: flag,
});

const verifySchema = z.object({
  command: z.literal('verify'),
  augmentedIndex: runSchema.shape.augmentedIndex,
  augmentedIndexDir: runSchema.shape.augmentedIndexDir,
  store: runSchema.shape.store,
  sample: z.coerce.number().gt(0, 'a fraction in (0, 1]').lte(1, 'a fraction in (0, 1]'),
  seed: z.string().min(1).max(200).optional(),
  concurrency: runSchema.shape.concurrency,
  parseThreads: runSchema.shape.parseThreads,
  gitBackend: runSchema.shape.gitBackend,
  json: flag,
  logFormat: runSchema.shape.logFormat,
  quiet: flag,
});

/** A parsed `run` command line. */
export type RunConfig = z.infer<typeof runSchema>;
/** A parsed `status` command line. */
export type StatusConfig = z.infer<typeof statusSchema>;
/** A parsed `verify` command line. */
export type VerifyConfig = z.infer<typeof verifySchema>;
/** Any parsed command line. */
export type Config =
  RunConfig | StatusConfig | VerifyConfig | { command: 'help' } | { command: 'version' };

const STATUS_KEYS = [
  'augmentedIndex',
  'augmentedIndexDir',
  'metadata',
  'gitBackend',
  'json',
  'logFormat',
  'quiet',
];

const VERIFY_KEYS = [
  'augmentedIndex',
  'augmentedIndexDir',
  'store',
  'sample',
  'seed',
  'concurrency',
  'parseThreads',
  'gitBackend',
  'json',
  'logFormat',
  'quiet',
];

const OPTIONS = {
  originalIndex: {
    flag: 'original-index',
    env: 'AIS_ORIGINAL_INDEX',
    default: 'https://github.com/rust-lang/crates.io-index',
    help: 'the original index: git repo, directory or http(s) git URL',
  },
  augmentedIndex: {
    flag: 'augmented-index',
    env: 'AIS_AUGMENTED_INDEX',
    default: './.lcs/augmented-index',
    help: 'the augmented index: a git repository (created bare if missing or empty) or an http(s) git URL',
  },
  augmentedIndexDir: {
    flag: 'augmented-index-dir',
    env: 'AIS_AUGMENTED_INDEX_DIR',
    help: 'where an augmented index URL is cloned (default: under the OS temp dir)',
  },
  indexDir: {
    flag: 'index-dir',
    env: 'LCS_INDEX_DIR',
    help: 'where an original index URL is cloned (default: under the OS temp dir)',
  },
  store: {
    flag: 'store',
    env: 'LCS_STORE',
    default: './.lcs/store',
    help: 'the LCS crate store to read crates from: a path, file:// or s3://bucket[/prefix]',
  },
  metadata: {
    flag: 'metadata',
    env: 'LCS_METADATA',
    default: './.lcs/metadata',
    help: 'where the single-runner lock lives: a path or etcd://host:port/prefix',
  },
  maxCrates: { flag: 'max-crates', env: 'AIS_MAX_CRATES', help: 'most entries generated per run' },
  concurrency: {
    flag: 'concurrency',
    env: 'AIS_CONCURRENCY',
    default: '8',
    help: 'crate files processed in parallel',
  },
  parseThreads: {
    flag: 'parse-threads',
    env: 'AIS_PARSE_THREADS',
    // Measured on 2 cores: inflating already runs on libuv's thread pool beside the main thread,
    // and two workers made a 400-crate backfill no faster (and +110 MiB). The default stays 0, also
    // because a container sees every core of its node (not its CPU limit): one worker per core would
    // break the pod's memory limit on a large node.
    default: '0',
    help: 'worker threads reading crates (0: on the main thread, beside the zlib thread pool)',
  },
  full: {
    flag: 'full',
    env: 'AIS_FULL',
    boolean: true,
    help: 'join every crate file, not only those changed since the recorded original commit',
  },
  gitBackend: {
    flag: 'git-backend',
    env: 'AIS_GIT_BACKEND',
    default: 'auto',
    help: 'git implementation: auto (git where installed), git, isomorphic-git',
  },
  push: {
    flag: 'push',
    env: 'AIS_PUSH',
    boolean: true,
    help: 'push the commit (token from AIS_GIT_TOKEN)',
  },
  json: {
    flag: 'json',
    env: 'LCS_JSON',
    boolean: true,
    help: 'end stdout with one JSON summary line',
  },
  author: {
    flag: 'author',
    env: 'AIS_GIT_AUTHOR',
    default: 'ais-backfiller <ais-backfiller@localhost>',
    help: 'commit author, "Name <email>"',
  },
  logFormat: {
    flag: 'log-format',
    env: 'AIS_LOG_FORMAT',
    default: 'auto',
    help: 'stderr logs: text, json, or auto (text on a terminal, json otherwise)',
  },
  quiet: {
    flag: 'quiet',
    env: 'AIS_QUIET',
    boolean: true,
    help: 'log only warnings and errors, no progress',
  },
  sample: {
    flag: 'sample',
    env: 'AIS_VERIFY_SAMPLE',
    default: '1',
    help: 'verify: the fraction of lines regenerated, chosen by a seeded hash of name@vers',
  },
  seed: {
    flag: 'seed',
    env: 'AIS_VERIFY_SEED',
    help: 'verify: seed of the sample (default random; the report names it, to repeat a check)',
  },
  gitToken: { env: 'AIS_GIT_TOKEN', help: 'token for pushing over HTTP (environment only)' },
  metricsFile: {
    flag: 'metrics-file',
    env: 'AIS_METRICS_FILE',
    help: 'write metrics for node_exporter at the end (.prom)',
  },
  pushgateway: {
    flag: 'pushgateway',
    env: 'LCS_PUSHGATEWAY',
    help: 'push metrics to this Pushgateway at the end',
  },
} as const satisfies Record<string, OptionSpec>;

type Key = keyof typeof OPTIONS;

const RUN_KEYS = Object.keys(OPTIONS).filter((k) => k !== 'sample' && k !== 'seed');

export const USAGE = `Usage: ais-backfiller run [options]
       ais-backfiller status [--augmented-index LOC] [--metadata META] [--json]
       ais-backfiller verify [--sample FRACTION] [--seed SEED] [--store STORE] [--json]

status: what the augmented index records, read without changing it or taking the lock: the
original commit it is complete up to, the pending versions, the last commits, the lock holder.

verify: regenerates the committed lines (all, or a seeded sample) from their crates in the store
and compares them field by field: drift is a generator change that never reached the index, or a
line edited by hand. It writes nothing and takes no lock; a URL is read from its clone directory
as the last run left it. Exit status: 0 no drift; 1 drift or lines that are not entries; 2 bad
input; 130 / 143 stopped.

run:

Joins the original index with the augmented index, generates the entries that are missing,
invalid, stale or of an older schema from the crates in the LCS store, drops entries of versions
that left the index, commits when something changed, and pushes when asked. A run joins only the
crate files changed since the original commit the augmented index records, plus its pending ones;
a full join runs the first time, on --full, after a squash, and when the schema rises.

Options (each also read from the environment variable shown):
${optionHelp(OPTIONS, Object.keys(OPTIONS), 28)}

Exit status: 0 done; 1 some versions deferred (--max-crates) or not in the store yet (the next
run continues); 2 bad configuration or input (including an augmented index
location that holds something else, or uncommitted changes); 3 another backfiller holds the lock
(or moved the branch under this run);
4 committed, but the push was rejected or failed (the next run fetches and continues); 130 / 143
stopped by SIGINT / SIGTERM (what was done is committed; the next run continues).

Other options: -h, --help; -V, --version.
`;

/**
 * Parses flags and environment once. Flags win over environment variables.
 * @throws {ConfigError} naming the bad flag or variable.
 */
export function parseConfig(argv: string[], env: NodeJS.ProcessEnv): Config {
  const line = parseCommandLine(argv, OPTIONS);
  const { values } = line;
  const command = line.positionals[0];
  if (line.version) return { command: 'version' };
  if (line.help || command === undefined || command === 'help') return { command: 'help' };
  if (command !== 'run' && command !== 'status' && command !== 'verify')
    throw new ConfigError(
      command,
      `unknown command ${JSON.stringify(command)} (run, status, verify)`,
    );
  if (line.positionals.length > 1)
    throw new ConfigError(
      line.positionals[1] ?? '',
      `unexpected argument ${JSON.stringify(line.positionals[1])}`,
    );
  const keys = command === 'status' ? STATUS_KEYS : command === 'verify' ? VERIFY_KEYS : RUN_KEYS;
  for (const name of Object.keys(values)) {
    const key = Object.entries(OPTIONS).find(([, o]) => 'flag' in o && o.flag === name)?.[0];
    if (key && !keys.includes(key))
      throw new ConfigError(`--${name}`, `--${name} is not an option of ${command}`);
  }
  const { raw, origin } = resolveOptions(OPTIONS, keys, values, env);
  raw['command'] = command;
  const result = (
    command === 'status' ? statusSchema : command === 'verify' ? verifySchema : runSchema
  ).safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = String(issue?.path[0] ?? 'command') as Key;
    const shown = key === 'gitToken' ? '(hidden)' : JSON.stringify(String(raw[key] ?? ''));
    throw new ConfigError(
      key === 'gitToken' ? 'AIS_GIT_TOKEN' : String(raw[key] ?? ''),
      `invalid ${origin[key] ?? key} ${shown}: ${issue?.message}`,
    );
  }
  return result.data;
}
