/**
 * The fetcher's command line, declared once (`CommandTable` of @lcs/cli-kit): each option's flag,
 * environment variable, default, help text and zod validator, and each command's options. Flags
 * win over the environment; a bad value is refused naming the flag or variable and the value (a
 * secret by its variable only).
 */
import { CommandTable, ConfigError, type CommandOption, type ParsedCommand } from '@lcs/cli-kit';
import { MAX_SHARDS, parseShard, type Shard } from '@lcs/mirror/shard';
import { z } from 'zod';

export { ConfigError };

/** The crates.io git index: the default `--index`. */
export const CRATES_IO_INDEX = 'https://github.com/rust-lang/crates.io-index';

const count = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const flag = z
  .union([z.boolean(), z.enum(['1', 'true', '0', 'false', ''])])
  .transform((v) => v === true || v === '1' || v === 'true');
const url = z.string().regex(/^https?:\/\/\S+$/, 'an http(s) URL');
const text = z.string().min(1);

/** Every option of every command, each declared once: flag, variable, default, help, validator. */
const OPTIONS = {
  index: {
    flag: 'index',
    env: 'LCS_INDEX',
    default: CRATES_IO_INDEX,
    help: 'index: local git repo, directory, http(s) git URL (scan: also sparse+https://)',
    schema: text,
  },
  indexDir: {
    flag: 'index-dir',
    env: 'LCS_INDEX_DIR',
    help: 'where a git URL is cloned and fetched (default: under the OS temp dir); keep it between runs for incremental syncs',
    schema: text.optional(),
  },
  json: {
    flag: 'json',
    env: 'LCS_JSON',
    boolean: true,
    help: 'end stdout with one JSON summary line',
    schema: flag,
  },
  logFormat: {
    flag: 'log-format',
    env: 'LCS_LOG_FORMAT',
    default: 'auto',
    help: 'stderr logs: text, json, or auto (text on a terminal, json otherwise)',
    schema: z.enum(['auto', 'text', 'json']),
  },
  quiet: {
    flag: 'quiet',
    env: 'LCS_QUIET',
    boolean: true,
    help: 'log only warnings and errors, no progress',
    schema: flag,
  },
  rev: {
    flag: 'rev',
    env: 'LCS_INDEX_REV',
    help: 'scan: revision of a git index (default HEAD)',
    schema: text.optional(),
  },
  store: {
    flag: 'store',
    env: 'LCS_STORE',
    default: './.lcs/store',
    help: 'crate store: a path, file:// or s3://bucket[/prefix] (AWS_ENDPOINT_URL_S3, AWS_REGION, credentials chain)',
    schema: text,
  },
  metadata: {
    flag: 'metadata',
    env: 'LCS_METADATA',
    default: './.lcs/metadata',
    help: 'cursor, retry list and lock: a path or etcd://host:port[,host:port]/prefix',
    schema: text,
  },
  concurrency: {
    flag: 'concurrency',
    env: 'LCS_CONCURRENCY',
    default: '8',
    help: 'downloads in flight',
    schema: count(1, 256),
  },
  maxSessionCrates: {
    flag: 'max-session-crates',
    env: 'LCS_MAX_SESSION_CRATES',
    help: 'most downloads per run; the rest waits for the next run (0: plan and report only, a dry run)',
    schema: count(0, 100_000_000).optional(),
  },
  full: {
    flag: 'full',
    env: 'LCS_FULL',
    boolean: true,
    help: 'compare the whole index with the store instead of diffing from the cursor',
    schema: flag,
  },
  reread: {
    flag: 'reread',
    env: 'LCS_REREAD',
    boolean: true,
    help: 'a full sync that also reads back every stored version and replaces a copy whose sha256 is not the index cksum (reads the whole store)',
    schema: flag,
  },
  dl: {
    flag: 'dl',
    env: 'LCS_DL',
    help: "download URL template replacing the index's dl ({crate}, {version}, ...; http(s):// or file://)",
    schema: z
      .string()
      .regex(/^(https?|file):\/\/\S+$/, 'an http(s):// or file:// URL template')
      .optional(),
  },
  contact: {
    flag: 'contact',
    env: 'LCS_CONTACT',
    default: 'unknown-operator',
    help: 'contact for the User-Agent (crates.io data access policy)',
    schema: z.string().min(3, 'a contact (e-mail or URL) for the User-Agent, as crates.io asks'),
  },
  metricsFile: {
    flag: 'metrics-file',
    env: 'LCS_METRICS_FILE',
    help: 'write metrics for node_exporter textfile collector at the end (.prom)',
    schema: z
      .string()
      .regex(/\.prom$/, 'a path ending in .prom (node_exporter textfile collector)')
      .optional(),
  },
  pushgateway: {
    flag: 'pushgateway',
    env: 'LCS_PUSHGATEWAY',
    help: 'push metrics to this Pushgateway at the end',
    schema: url.optional(),
  },
  metricsPort: {
    flag: 'metrics-port',
    env: 'LCS_METRICS_PORT',
    help: 'serve /metrics on this port during the run',
    schema: count(0, 65535).optional(),
  },
  noPerCrateMetrics: {
    flag: 'no-per-crate-metrics',
    env: 'LCS_NO_PER_CRATE_METRICS',
    boolean: true,
    help: 'do not export index_crate_version_count (one series per crate, about 200,000)',
    schema: flag,
  },
  lockTtl: {
    flag: 'lock-ttl',
    env: 'LCS_LOCK_TTL',
    default: '30',
    help: 'single-runner lock lease, seconds',
    schema: count(5, 3600),
  },
  drainSeconds: {
    flag: 'drain-seconds',
    env: 'LCS_DRAIN_SECONDS',
    default: '30',
    help: 'after SIGTERM, how long downloads in flight may finish',
    schema: count(0, 3600),
  },
  timeoutSeconds: {
    flag: 'timeout-seconds',
    env: 'LCS_TIMEOUT_SECONDS',
    default: '30',
    help: 'deadline for response headers and for each pause in a body',
    schema: count(1, 3600),
  },
  minBytesPerSecond: {
    flag: 'min-bytes-per-second',
    env: 'LCS_MIN_BYTES_PER_SECOND',
    default: '10240',
    help: 'floor rate of a download after the first --timeout-seconds; a slower one is cut and retried (0: none)',
    schema: count(0, 1024 ** 3),
  },
  maxAttempts: {
    flag: 'max-attempts',
    env: 'LCS_MAX_ATTEMPTS',
    default: '4',
    help: 'attempts per crate version within a run',
    schema: count(1, 20),
  },
  maxCrateBytes: {
    flag: 'max-crate-bytes',
    env: 'LCS_MAX_CRATE_BYTES',
    default: String(256 * 1024 * 1024),
    help: 'largest .crate accepted, bytes (crates.io allows 10 MB unless it grants more)',
    schema: count(1024, 5 * 1024 ** 3),
  },
  shard: {
    flag: 'shard',
    env: 'LCS_SHARD',
    help: 'sync, verify: only shard I/N of the crates (own cursor, retry list and lock; I from 0)',
    schema: text.optional(),
  },
  shardCount: {
    flag: 'shard-count',
    env: 'LCS_SHARD_COUNT',
    help: 'sync, verify: N shards, this one JOB_COMPLETION_INDEX (a Kubernetes Indexed Job)',
    schema: count(1, MAX_SHARDS).optional(),
  },
  sample: {
    flag: 'sample',
    env: 'LCS_VERIFY_SAMPLE',
    default: '1',
    help: 'verify: fraction of the stored objects read (a seeded random sample; missing and unexpected keys are always found in full)',
    schema: z.coerce
      .number()
      .gt(0, 'a fraction above 0')
      .max(1, 'a fraction of at most 1 (all objects)'),
  },
  maxBytesPerSecond: {
    flag: 'max-bytes-per-second',
    env: 'LCS_VERIFY_MAX_BYTES_PER_SECOND',
    default: '0',
    help: 'verify: ceiling on bytes read per second, so a scrub does not starve a sync (0: none)',
    schema: count(0, 100 * 1024 ** 3),
  },
  hashThreads: {
    flag: 'hash-threads',
    env: 'LCS_VERIFY_HASH_THREADS',
    // Two: the measured gain on 2 cores, and a container sees its node's cores, not its CPU limit.
    default: '2',
    help: 'verify: worker threads hashing a filesystem store (0: on the main thread as it reads)',
    schema: count(0, 64),
  },
  trustStoredChecksum: {
    flag: 'trust-stored-checksum',
    env: 'LCS_VERIFY_TRUST_STORED_CHECKSUM',
    boolean: true,
    help: "verify: take S3's x-amz-checksum-sha256 where the server kept one instead of reading the bytes (proves the upload, not the disks)",
    schema: flag,
  },
  repair: {
    flag: 'repair',
    env: 'LCS_VERIFY_REPAIR',
    boolean: true,
    help: 'verify: download missing and corrupt objects again (a corrupt copy is first kept under _lcs/quarantine/); takes the sync lock',
    schema: flag,
  },
  restart: {
    flag: 'restart',
    env: 'LCS_VERIFY_RESTART',
    boolean: true,
    help: 'verify: start a new scrub even when one is under way (by default a scrub resumes)',
    schema: flag,
  },
  port: {
    flag: 'port',
    env: 'LCS_PORT',
    default: '8080',
    help: 'serve: HTTP port',
    schema: count(0, 65535),
  },
  host: {
    flag: 'host',
    env: 'LCS_HOST',
    default: '0.0.0.0',
    help: 'serve: listen address',
    schema: text,
  },
  intervalMinutes: {
    flag: 'interval-minutes',
    env: 'LCS_SYNC_INTERVAL_MINUTES',
    default: '60',
    help: 'serve: fallback sync interval (0: webhook only)',
    schema: count(0, 7 * 24 * 60),
  },
  busyRetrySeconds: {
    flag: 'busy-retry-seconds',
    env: 'LCS_BUSY_RETRY_SECONDS',
    default: '30',
    help: 'serve: a hook refused by a busy lock is tried again after this long',
    schema: count(1, 3600),
  },
  webhookSecret: {
    env: 'LCS_WEBHOOK_SECRET',
    help: 'serve: HMAC secret of POST /_/index-webhook (environment only)',
    schema: z.string().min(16, 'at least 16 characters').optional(),
    secret: true,
  },
  allowUnsignedWebhook: {
    flag: 'allow-unsigned-webhook',
    env: 'LCS_ALLOW_UNSIGNED_WEBHOOK',
    boolean: true,
    help: 'serve: accept the webhook without a secret (trusted networks only)',
    schema: flag,
  },
  augmentedIndex: {
    flag: 'augmented-index',
    env: 'LCS_AUGMENTED_INDEX',
    help: 'serve: augmented index whose lines /api/v1 merges into versions (a local repository, or an http(s) git URL fetched after each sync)',
    schema: text.optional(),
  },
  augmentedIndexDir: {
    flag: 'augmented-index-dir',
    env: 'LCS_AUGMENTED_INDEX_DIR',
    help: 'serve: where an http(s) augmented index is fetched (default: under the OS temp directory)',
    schema: text.optional(),
  },
  augmentedIndexToken: {
    env: 'LCS_AUGMENTED_INDEX_TOKEN',
    help: 'serve: token for an http(s) augmented index (basic auth, user x-access-token; environment only)',
    schema: text.optional(),
    secret: true,
  },
  apiToken: {
    env: 'LCS_API_TOKEN',
    help: 'serve: bearer token /api/v1 requires (environment only; without it the API is open)',
    schema: z.string().min(16, 'at least 16 characters').optional(),
    secret: true,
  },
  apiMaxConcurrent: {
    flag: 'api-max-concurrent',
    env: 'LCS_API_MAX_CONCURRENT',
    default: '8',
    help: 'serve: /api/v1 requests served at once; more get 503 (the sync shares the process)',
    schema: count(1, 1024),
  },
} as const satisfies Record<string, CommandOption>;

/** How a command logs and answers: every command takes these. */
const OUTPUT = ['json', 'logFormat', 'quiet'] as const;
/** What reads an index. */
const INDEX = ['index', 'indexDir'] as const;
/** What a download needs: the same for a sync and a repair. */
const DOWNLOAD = [
  'dl',
  'contact',
  'lockTtl',
  'timeoutSeconds',
  'minBytesPerSecond',
  'maxAttempts',
  'maxCrateBytes',
] as const;
const METRICS = ['metricsFile', 'pushgateway'] as const;
const SHARD = ['shard', 'shardCount'] as const;
const SYNC = [
  ...INDEX,
  ...OUTPUT,
  'store',
  'metadata',
  'concurrency',
  'maxSessionCrates',
  'full',
  'reread',
  ...DOWNLOAD,
  ...METRICS,
  'metricsPort',
  'noPerCrateMetrics',
  'drainSeconds',
] as const;

const COMMANDS = {
  sync: {
    summary: "mirror the index's crates into the store, once",
    description: `Mirror the index's crates into the store: pull the index, find every version the store
lacks, download it, verify its sha256 against the index cksum, store it. One run, then exit.`,
    options: [...SYNC, ...SHARD],
  },
  serve: {
    summary: 'HTTP server: webhook-started and interval syncs, health, metrics, the read API',
    description: `HTTP server: POST /_/index-webhook (X-Hub-Signature-256) starts a sync; a fallback interval
sync; /healthz, /readyz, /metrics; the read API /api/v1/changes, /api/v1/crates/{name} and
/api/v1/snapshots. Exits 0 after a graceful SIGTERM.`,
    options: [
      ...SYNC,
      'port',
      'host',
      'intervalMinutes',
      'busyRetrySeconds',
      'webhookSecret',
      'allowUnsignedWebhook',
      'augmentedIndex',
      'augmentedIndexDir',
      'augmentedIndexToken',
      'apiToken',
      'apiMaxConcurrent',
    ],
  },
  scan: {
    summary: 'read an index and print what it holds',
    description: 'Read an index and print what it holds.',
    options: [...INDEX, ...OUTPUT, 'rev'],
  },
  verify: {
    summary: 'read back every stored object and check it against the index; --repair mends',
    description: `Read back every stored object of the versions the index lists and check its sha256 against
the index cksum: ok, missing, corrupt (size and digest), unreadable, and unexpected keys no index
version names (reported, never deleted). --repair downloads missing and corrupt objects again
through the verified put and reads them back; a corrupt copy is first kept under
_lcs/quarantine/. A stopped scrub resumes from its cursor. Exit 0 clean, 1 problems found.`,
    options: [
      ...INDEX,
      ...OUTPUT,
      'store',
      'metadata',
      'concurrency',
      'sample',
      'maxBytesPerSecond',
      'hashThreads',
      'trustStoredChecksum',
      'repair',
      'restart',
      ...SHARD,
      ...DOWNLOAD,
      ...METRICS,
    ],
  },
  status: {
    summary: 'what the mirror holds: cursor, retry list, last runs, last verify, lock holder',
    description: `What the mirror holds, read without taking the lock: the cursor (index commit, its time,
when it was mirrored), the retry list with reasons and attempts, the last runs, the lock holder.`,
    options: ['store', 'metadata', ...OUTPUT, ...SHARD],
  },
} as const;

/** The fetcher's command line: parsed, and explained in `--help`, from the tables above. */
export const COMMAND_LINE = new CommandTable('lcs-fetcher', OPTIONS, COMMANDS, {
  about: 'Run lcs-fetcher <command> --help for the options of one command.',
  footer: `Exit status: 0 all done; 1 some versions failed (recorded, retried next run), or verify found
problems it did not mend; 2 bad configuration or input; 3 another fetcher holds the lock (or took
it over: the lock was lost); 130 / 143 a sync or verify stopped by SIGINT / SIGTERM (its progress
is saved; the next run resumes). serve exits 0 after a graceful SIGTERM.
`,
});

type Parsed = ParsedCommand<typeof OPTIONS, typeof COMMANDS>;
type Sharded<C> = Omit<C, 'shard' | 'shardCount'> & { readonly shard?: Shard };

/** A parsed `scan` command line. */
export type ScanConfig = Extract<Parsed, { command: 'scan' }>;
/** A parsed `sync` command line; `shard` resolved from `--shard` or `--shard-count` and the Job index. */
export type SyncConfig = Sharded<Extract<Parsed, { command: 'sync' }>>;
/** A parsed `status` command line. */
export type StatusConfig = Sharded<Extract<Parsed, { command: 'status' }>>;
/** A parsed `verify` command line. */
export type VerifyConfig = Sharded<Extract<Parsed, { command: 'verify' }>>;
/** A parsed `serve` command line. */
export type ServeConfig = Extract<Parsed, { command: 'serve' }>;
/** Any parsed command line. */
export type Config =
  | ScanConfig
  | SyncConfig
  | ServeConfig
  | StatusConfig
  | VerifyConfig
  | { command: 'help'; topic?: keyof typeof COMMANDS }
  | { command: 'version' };

/**
 * Parses flags and environment once, at start-up. Flags win over environment variables.
 * @throws {ConfigError} naming the bad flag or variable and its value.
 */
export function parseConfig(argv: string[], env: NodeJS.ProcessEnv): Config {
  const parsed = COMMAND_LINE.parse(argv, env);
  if (parsed.command !== 'sync' && parsed.command !== 'status' && parsed.command !== 'verify')
    return parsed;
  const { shard, shardCount, ...rest } = parsed;
  const origin = (key: 'shard' | 'shardCount') =>
    argv.some((a) => a === `--${OPTIONS[key].flag}` || a.startsWith(`--${OPTIONS[key].flag}=`))
      ? `--${OPTIONS[key].flag}`
      : OPTIONS[key].env;
  const resolved = resolveShard(shard, shardCount, origin, env);
  return resolved ? { ...rest, shard: resolved } : rest;
}

/**
 * The shard of a sync: `--shard I/N`, or `--shard-count N` with I from `JOB_COMPLETION_INDEX`, the
 * index Kubernetes gives each pod of an Indexed Job (0 to completions - 1).
 */
function resolveShard(
  shard: string | undefined,
  shardCount: number | undefined,
  origin: (key: 'shard' | 'shardCount') => string,
  env: NodeJS.ProcessEnv,
): Shard | undefined {
  const parse = (text: string, what: string) => {
    try {
      return parseShard(text);
    } catch (error) {
      throw new ConfigError(text, `invalid ${what}: ${(error as Error).message}`);
    }
  };
  if (shard !== undefined && shardCount !== undefined)
    throw new ConfigError(shard, `give ${origin('shard')} or ${origin('shardCount')}, not both`);
  if (shard !== undefined) return parse(shard, origin('shard'));
  if (shardCount === undefined) return undefined;
  const index = env['JOB_COMPLETION_INDEX'];
  if (index === undefined || !/^\d+$/.test(index))
    throw new ConfigError(
      index ?? '',
      `${origin('shardCount')} needs JOB_COMPLETION_INDEX (set by an Indexed Job), got ${JSON.stringify(index ?? null)}`,
    );
  return parse(
    `${index}/${shardCount}`,
    `JOB_COMPLETION_INDEX ${JSON.stringify(index)} of ${shardCount} shards`,
  );
}
