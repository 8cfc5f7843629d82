/**
 * The backfiller's command line, declared once (`CommandTable` of @lcs/cli-kit): each option's
 * flag, environment variable, default, help and zod validator, and each command's options. Flags
 * win over the environment; a bad value is refused naming where it came from.
 */
import { CommandTable, ConfigError, type CommandOption, type ParsedCommand } from '@lcs/cli-kit';
import { z } from 'zod';

export { ConfigError };

const flag = z
  .union([z.boolean(), z.enum(['1', 'true', '0', 'false', ''])])
  .transform((v) => v === true || v === '1' || v === 'true');
const count = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const text = z.string().min(1);

/** Every option of every command, each declared once. */
const OPTIONS = {
  originalIndex: {
    flag: 'original-index',
    env: 'AIS_ORIGINAL_INDEX',
    default: 'https://github.com/rust-lang/crates.io-index',
    help: 'the original index: git repo, directory or http(s) git URL',
    schema: text,
  },
  augmentedIndex: {
    flag: 'augmented-index',
    env: 'AIS_AUGMENTED_INDEX',
    default: './.lcs/augmented-index',
    help: 'the augmented index: a git repository (created bare if missing or empty) or an http(s) git URL',
    schema: text,
  },
  augmentedIndexDir: {
    flag: 'augmented-index-dir',
    env: 'AIS_AUGMENTED_INDEX_DIR',
    help: 'where an augmented index URL is cloned (default: under the OS temp dir)',
    schema: text.optional(),
  },
  indexDir: {
    flag: 'index-dir',
    env: 'LCS_INDEX_DIR',
    help: 'where an original index URL is cloned (default: under the OS temp dir)',
    schema: text.optional(),
  },
  store: {
    flag: 'store',
    env: 'LCS_STORE',
    default: './.lcs/store',
    help: 'the LCS crate store to read crates from: a path, file:// or s3://bucket[/prefix]',
    schema: text,
  },
  metadata: {
    flag: 'metadata',
    env: 'LCS_METADATA',
    default: './.lcs/metadata',
    help: 'where the single-runner lock lives: a path or etcd://host:port/prefix',
    schema: text,
  },
  maxCrates: {
    flag: 'max-crates',
    env: 'AIS_MAX_CRATES',
    help: 'most entries generated per run',
    schema: count(1, 100_000_000).optional(),
  },
  concurrency: {
    flag: 'concurrency',
    env: 'AIS_CONCURRENCY',
    default: '8',
    help: 'crate files processed in parallel',
    schema: count(1, 256),
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
    schema: count(0, 64),
  },
  fieldsModules: {
    flag: 'fields-module',
    env: 'AIS_FIELDS_MODULES',
    multiple: true,
    help: 'an ES module (file or installed package) whose default export is an array of fields to add; repeatable (variable: comma-separated)',
    schema: z.array(z.string().min(1)).default([]),
  },
  full: {
    flag: 'full',
    env: 'AIS_FULL',
    boolean: true,
    help: 'join every crate file, not only those changed since the recorded original commit',
    schema: flag,
  },
  gitBackend: {
    flag: 'git-backend',
    env: 'AIS_GIT_BACKEND',
    default: 'auto',
    help: 'git implementation: auto (git where installed), git, isomorphic-git',
    schema: z.enum(['auto', 'git', 'isomorphic-git']),
  },
  push: {
    flag: 'push',
    env: 'AIS_PUSH',
    boolean: true,
    help: 'push the commit (token from AIS_GIT_TOKEN)',
    schema: flag,
  },
  json: {
    flag: 'json',
    env: 'LCS_JSON',
    boolean: true,
    help: 'end stdout with one JSON summary line',
    schema: flag,
  },
  author: {
    flag: 'author',
    env: 'AIS_GIT_AUTHOR',
    default: 'ais-backfiller <ais-backfiller@localhost>',
    help: 'commit author, "Name <email>"',
    schema: z.string().regex(/^[^<>]+ <[^<>@\s]+@[^<>\s]+>$/, 'written as "Name <email>"'),
  },
  logFormat: {
    flag: 'log-format',
    env: 'AIS_LOG_FORMAT',
    default: 'auto',
    help: 'stderr logs: text, json, or auto (text on a terminal, json otherwise)',
    schema: z.enum(['auto', 'text', 'json']),
  },
  quiet: {
    flag: 'quiet',
    env: 'AIS_QUIET',
    boolean: true,
    help: 'log only warnings and errors, no progress',
    schema: flag,
  },
  sample: {
    flag: 'sample',
    env: 'AIS_VERIFY_SAMPLE',
    default: '1',
    help: 'the fraction of lines regenerated, chosen by a seeded hash of name@vers',
    schema: z.coerce.number().gt(0, 'a fraction in (0, 1]').lte(1, 'a fraction in (0, 1]'),
  },
  seed: {
    flag: 'seed',
    env: 'AIS_VERIFY_SEED',
    help: 'seed of the sample (default random; the report names it, to repeat a check)',
    schema: z.string().min(1).max(200).optional(),
  },
  gitToken: {
    env: 'AIS_GIT_TOKEN',
    help: 'token for pushing over HTTP (environment only)',
    secret: true,
    schema: text.optional(),
  },
  metricsFile: {
    flag: 'metrics-file',
    env: 'AIS_METRICS_FILE',
    help: 'write metrics for node_exporter at the end (.prom)',
    schema: z
      .string()
      .regex(/\.prom$/, 'a path ending in .prom')
      .optional(),
  },
  pushgateway: {
    flag: 'pushgateway',
    env: 'LCS_PUSHGATEWAY',
    help: 'push metrics to this Pushgateway at the end',
    schema: z
      .string()
      .regex(/^https?:\/\/\S+$/, 'an http(s) URL')
      .optional(),
  },
} as const satisfies Record<string, CommandOption>;

/** Options every command takes: how it logs and answers. */
const OUTPUT = ['json', 'logFormat', 'quiet'] as const;

const COMMANDS = {
  run: {
    summary: 'join the original index with the augmented one and generate what is missing',
    description: `Joins the original index with the augmented index, generates the entries that are missing,
invalid, stale or of an older schema from the crates in the LCS store, drops entries of versions
that left the index, commits when something changed, and pushes when asked. A run joins only the
crate files changed since the original commit the augmented index records, plus its pending ones;
a full join runs the first time, on --full, after a squash, and when a field is added or its
version rises (then only that field is generated on each line).`,
    options: [
      'originalIndex',
      'augmentedIndex',
      'augmentedIndexDir',
      'indexDir',
      'store',
      'metadata',
      'maxCrates',
      'concurrency',
      'parseThreads',
      'fieldsModules',
      'full',
      'gitBackend',
      'push',
      'author',
      'gitToken',
      'metricsFile',
      'pushgateway',
      ...OUTPUT,
    ],
  },
  status: {
    summary: 'what the augmented index records, read without changing it or taking the lock',
    description: `What the augmented index records, read without changing it or taking the lock: the
original commit it is complete up to, the pending versions, the last commits, the lock holder.`,
    options: ['augmentedIndex', 'augmentedIndexDir', 'metadata', 'gitBackend', ...OUTPUT],
  },
  verify: {
    summary: 'regenerate the committed lines from their crates and report drift per field',
    description: `Regenerates the committed lines (all, or a seeded sample) from their crates in the store
and compares them field by field: drift is a generator change that never reached the index, or a
line edited by hand. It writes nothing and takes no lock; a URL is read from its clone directory
as the last run left it. Exit status: 0 no drift; 1 drift or lines that are not entries; 2 bad
input; 130 / 143 stopped.`,
    options: [
      'augmentedIndex',
      'augmentedIndexDir',
      'store',
      'sample',
      'seed',
      'concurrency',
      'parseThreads',
      'fieldsModules',
      'gitBackend',
      ...OUTPUT,
    ],
  },
  report: {
    summary: 'per field, what the whole augmented index holds: current, behind, errors by code',
    description: `Reads every line of the augmented index and counts, for each field (the built-in ones and
those of --fields-module), the lines holding its current version, the lines behind (the next run
generates it there) and its errors by code, and the crates that could not be read, by code. It
writes nothing and takes no lock; a URL is read from its clone directory as the last run left it.`,
    options: [
      'augmentedIndex',
      'augmentedIndexDir',
      'fieldsModules',
      'concurrency',
      'gitBackend',
      ...OUTPUT,
    ],
  },
} as const;

/** The backfiller's command line: parsed, and explained in `--help`, from the tables above. */
export const COMMAND_LINE = new CommandTable('ais-backfiller', OPTIONS, COMMANDS, {
  footer: `Exit status: 0 done; 1 some versions deferred (--max-crates) or not in the store yet (the next
run continues); 2 bad configuration or input (including an augmented index
location that holds something else, or uncommitted changes); 3 another backfiller holds the lock
(or moved the branch under this run); 4 committed, but the push was rejected or failed (the next
run fetches and continues); 130 / 143 stopped by SIGINT / SIGTERM (what was done is committed;
the next run continues).
`,
});

type Parsed = ParsedCommand<typeof OPTIONS, typeof COMMANDS>;
/** A parsed `run` command line. */
export type RunConfig = Extract<Parsed, { command: 'run' }>;
/** A parsed `status` command line. */
export type StatusConfig = Extract<Parsed, { command: 'status' }>;
/** A parsed `verify` command line. */
export type VerifyConfig = Extract<Parsed, { command: 'verify' }>;
/** Configuration of `report`. */
export type ReportConfig = Extract<Parsed, { command: 'report' }>;
/** Any parsed command line. */
export type Config = ReturnType<typeof COMMAND_LINE.parse>;

/**
 * Parses flags and environment once. Flags win over environment variables.
 * @throws {ConfigError} naming the bad flag or variable.
 */
export function parseConfig(argv: string[], env: NodeJS.ProcessEnv): Config {
  return COMMAND_LINE.parse(argv, env);
}
