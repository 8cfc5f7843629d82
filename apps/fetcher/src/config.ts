/**
 * The fetcher's configuration: flags and environment parsed once at start-up with zod. Every flag
 * also reads an environment variable (flags win); a bad value is refused naming the flag, the
 * variable and the value.
 */
import {
  ConfigError,
  optionHelp,
  parseCommandLine,
  resolveOptions,
  type OptionSpec,
} from '@lcs/cli-kit';

export { ConfigError };
import { MAX_SHARDS, parseShard, type Shard } from '@lcs/mirror/shard';
import { z } from 'zod';

/** The crates.io git index: the default `--index`. */
export const CRATES_IO_INDEX = 'https://github.com/rust-lang/crates.io-index';

const count = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const flag = z
  .union([z.boolean(), z.enum(['1', 'true', '0', 'false', ''])])
  .transform((v) => v === true || v === '1' || v === 'true');
const url = z.string().regex(/^https?:\/\/\S+$/, 'an http(s) URL');

const logging = {
  logFormat: z.enum(['auto', 'text', 'json']),
  quiet: flag,
};
const common = {
  index: z.string().min(1),
  indexDir: z.string().min(1).optional(),
  json: flag,
  ...logging,
};

const scanSchema = z.object({
  command: z.literal('scan'),
  ...common,
  rev: z.string().min(1).optional(),
});

const syncOptions = {
  ...common,
  store: z.string().min(1),
  metadata: z.string().min(1),
  concurrency: count(1, 256),
  maxSessionCrates: count(0, 100_000_000).optional(),
  full: flag,
  reread: flag,
  dl: z
    .string()
    .regex(/^(https?|file):\/\/\S+$/, 'an http(s):// or file:// URL template')
    .optional(),
  contact: z.string().min(3, 'a contact (e-mail or URL) for the User-Agent, as crates.io asks'),
  metricsFile: z
    .string()
    .regex(/\.prom$/, 'a path ending in .prom (node_exporter textfile collector)')
    .optional(),
  pushgateway: url.optional(),
  metricsPort: count(0, 65535).optional(),
  noPerCrateMetrics: flag,
  lockTtl: count(5, 3600),
  drainSeconds: count(0, 3600),
  timeoutSeconds: count(1, 3600),
  minBytesPerSecond: count(0, 1024 ** 3),
  maxAttempts: count(1, 20),
  maxCrateBytes: count(1024, 5 * 1024 ** 3),
};
const syncSchema = z.object({
  command: z.literal('sync'),
  ...syncOptions,
  shard: z.string().min(1).optional(),
  shardCount: count(1, MAX_SHARDS).optional(),
});
const statusSchema = z.object({
  command: z.literal('status'),
  store: syncOptions.store,
  metadata: syncOptions.metadata,
  json: flag,
  ...logging,
  shard: z.string().min(1).optional(),
  shardCount: count(1, MAX_SHARDS).optional(),
});
const verifySchema = z.object({
  command: z.literal('verify'),
  ...common,
  store: syncOptions.store,
  metadata: syncOptions.metadata,
  concurrency: syncOptions.concurrency,
  sample: z.coerce
    .number()
    .gt(0, 'a fraction above 0')
    .max(1, 'a fraction of at most 1 (all objects)'),
  maxBytesPerSecond: count(0, 100 * 1024 ** 3),
  hashThreads: count(0, 64),
  trustStoredChecksum: flag,
  repair: flag,
  restart: flag,
  dl: syncOptions.dl,
  contact: syncOptions.contact,
  metricsFile: syncOptions.metricsFile,
  pushgateway: syncOptions.pushgateway,
  lockTtl: syncOptions.lockTtl,
  timeoutSeconds: syncOptions.timeoutSeconds,
  minBytesPerSecond: syncOptions.minBytesPerSecond,
  maxAttempts: syncOptions.maxAttempts,
  maxCrateBytes: syncOptions.maxCrateBytes,
  shard: z.string().min(1).optional(),
  shardCount: count(1, MAX_SHARDS).optional(),
});
const serveSchema = z.object({
  command: z.literal('serve'),
  ...syncOptions,
  port: count(0, 65535),
  host: z.string().min(1),
  intervalMinutes: count(0, 7 * 24 * 60),
  busyRetrySeconds: count(1, 3600),
  webhookSecret: z.string().min(16, 'at least 16 characters').optional(),
  allowUnsignedWebhook: flag,
  augmentedIndex: z.string().min(1).optional(),
  augmentedIndexDir: z.string().min(1).optional(),
  augmentedIndexToken: z.string().min(1).optional(),
  apiToken: z.string().min(16, 'at least 16 characters').optional(),
  apiMaxConcurrent: count(1, 1024),
});

/** A parsed `scan` command line. */
export type ScanConfig = z.infer<typeof scanSchema>;
/** A parsed `sync` command line; `shard` resolved from `--shard` or `--shard-count` and the Job index. */
export type SyncConfig = Omit<z.infer<typeof syncSchema>, 'shard' | 'shardCount'> & {
  readonly shard?: Shard;
};
/** A parsed `status` command line. */
export type StatusConfig = Omit<z.infer<typeof statusSchema>, 'shard' | 'shardCount'> & {
  readonly shard?: Shard;
};
/** A parsed `verify` command line. */
export type VerifyConfig = Omit<z.infer<typeof verifySchema>, 'shard' | 'shardCount'> & {
  readonly shard?: Shard;
};
/** A parsed `serve` command line. */
export type ServeConfig = z.infer<typeof serveSchema>;
/** Any parsed command line. */
export type Config =
  | ScanConfig
  | SyncConfig
  | ServeConfig
  | StatusConfig
  | VerifyConfig
  | { command: 'help'; topic?: keyof typeof COMMANDS }
  | { command: 'version' };

/** Each option: its flag, environment variable, default, and help text. */
const OPTIONS = {
  index: {
    flag: 'index',
    env: 'LCS_INDEX',
    default: CRATES_IO_INDEX,
    help: 'index: local git repo, directory, http(s) git URL (scan: also sparse+https://)',
  },
  indexDir: {
    flag: 'index-dir',
    env: 'LCS_INDEX_DIR',
    help: 'where a git URL is cloned and fetched (default: under the OS temp dir); keep it between runs for incremental syncs',
  },
  json: {
    flag: 'json',
    env: 'LCS_JSON',
    boolean: true,
    help: 'end stdout with one JSON summary line',
  },
  logFormat: {
    flag: 'log-format',
    env: 'LCS_LOG_FORMAT',
    default: 'auto',
    help: 'stderr logs: text, json, or auto (text on a terminal, json otherwise)',
  },
  quiet: {
    flag: 'quiet',
    env: 'LCS_QUIET',
    boolean: true,
    help: 'log only warnings and errors, no progress',
  },
  rev: { flag: 'rev', env: 'LCS_INDEX_REV', help: 'scan: revision of a git index (default HEAD)' },
  store: {
    flag: 'store',
    env: 'LCS_STORE',
    default: './.lcs/store',
    help: 'crate store: a path, file:// or s3://bucket[/prefix] (AWS_ENDPOINT_URL_S3, AWS_REGION, credentials chain)',
  },
  metadata: {
    flag: 'metadata',
    env: 'LCS_METADATA',
    default: './.lcs/metadata',
    help: 'cursor, retry list and lock: a path or etcd://host:port[,host:port]/prefix',
  },
  concurrency: {
    flag: 'concurrency',
    env: 'LCS_CONCURRENCY',
    default: '8',
    help: 'downloads in flight',
  },
  maxSessionCrates: {
    flag: 'max-session-crates',
    env: 'LCS_MAX_SESSION_CRATES',
    help: 'most downloads per run; the rest waits for the next run (0: plan and report only, a dry run)',
  },
  full: {
    flag: 'full',
    env: 'LCS_FULL',
    boolean: true,
    help: 'compare the whole index with the store instead of diffing from the cursor',
  },
  reread: {
    flag: 'reread',
    env: 'LCS_REREAD',
    boolean: true,
    help: 'a full sync that also reads back every stored version and replaces a copy whose sha256 is not the index cksum (reads the whole store)',
  },
  dl: {
    flag: 'dl',
    env: 'LCS_DL',
    help: "download URL template replacing the index's dl ({crate}, {version}, ...; http(s):// or file://)",
  },
  contact: {
    flag: 'contact',
    env: 'LCS_CONTACT',
    default: 'unknown-operator',
    help: 'contact for the User-Agent (crates.io data access policy)',
  },
  metricsFile: {
    flag: 'metrics-file',
    env: 'LCS_METRICS_FILE',
    help: 'write metrics for node_exporter textfile collector at the end (.prom)',
  },
  pushgateway: {
    flag: 'pushgateway',
    env: 'LCS_PUSHGATEWAY',
    help: 'push metrics to this Pushgateway at the end',
  },
  metricsPort: {
    flag: 'metrics-port',
    env: 'LCS_METRICS_PORT',
    help: 'serve /metrics on this port during the run',
  },
  noPerCrateMetrics: {
    flag: 'no-per-crate-metrics',
    env: 'LCS_NO_PER_CRATE_METRICS',
    boolean: true,
    help: 'do not export index_crate_version_count (one series per crate, about 200,000)',
  },
  lockTtl: {
    flag: 'lock-ttl',
    env: 'LCS_LOCK_TTL',
    default: '30',
    help: 'single-runner lock lease, seconds',
  },
  drainSeconds: {
    flag: 'drain-seconds',
    env: 'LCS_DRAIN_SECONDS',
    default: '30',
    help: 'after SIGTERM, how long downloads in flight may finish',
  },
  timeoutSeconds: {
    flag: 'timeout-seconds',
    env: 'LCS_TIMEOUT_SECONDS',
    default: '30',
    help: 'deadline for response headers and for each pause in a body',
  },
  minBytesPerSecond: {
    flag: 'min-bytes-per-second',
    env: 'LCS_MIN_BYTES_PER_SECOND',
    default: '10240',
    help: 'floor rate of a download after the first --timeout-seconds; a slower one is cut and retried (0: none)',
  },
  maxAttempts: {
    flag: 'max-attempts',
    env: 'LCS_MAX_ATTEMPTS',
    default: '4',
    help: 'attempts per crate version within a run',
  },
  maxCrateBytes: {
    flag: 'max-crate-bytes',
    env: 'LCS_MAX_CRATE_BYTES',
    default: String(256 * 1024 * 1024),
    help: 'largest .crate accepted, bytes (crates.io allows 10 MB unless it grants more)',
  },
  shard: {
    flag: 'shard',
    env: 'LCS_SHARD',
    help: 'sync, verify: only shard I/N of the crates (own cursor, retry list and lock; I from 0)',
  },
  shardCount: {
    flag: 'shard-count',
    env: 'LCS_SHARD_COUNT',
    help: 'sync, verify: N shards, this one JOB_COMPLETION_INDEX (a Kubernetes Indexed Job)',
  },
  sample: {
    flag: 'sample',
    env: 'LCS_VERIFY_SAMPLE',
    default: '1',
    help: 'verify: fraction of the stored objects read (a seeded random sample; missing and unexpected keys are always found in full)',
  },
  maxBytesPerSecond: {
    flag: 'max-bytes-per-second',
    env: 'LCS_VERIFY_MAX_BYTES_PER_SECOND',
    default: '0',
    help: 'verify: ceiling on bytes read per second, so a scrub does not starve a sync (0: none)',
  },
  hashThreads: {
    flag: 'hash-threads',
    env: 'LCS_VERIFY_HASH_THREADS',
    // Two: the measured gain on 2 cores, and a container sees its node's cores, not its CPU limit.
    default: '2',
    help: 'verify: worker threads hashing a filesystem store (0: on the main thread as it reads)',
  },
  trustStoredChecksum: {
    flag: 'trust-stored-checksum',
    env: 'LCS_VERIFY_TRUST_STORED_CHECKSUM',
    boolean: true,
    help: "verify: take S3's x-amz-checksum-sha256 where the server kept one instead of reading the bytes (proves the upload, not the disks)",
  },
  repair: {
    flag: 'repair',
    env: 'LCS_VERIFY_REPAIR',
    boolean: true,
    help: 'verify: download missing and corrupt objects again (a corrupt copy is first kept under _lcs/quarantine/); takes the sync lock',
  },
  restart: {
    flag: 'restart',
    env: 'LCS_VERIFY_RESTART',
    boolean: true,
    help: 'verify: start a new scrub even when one is under way (by default a scrub resumes)',
  },
  port: { flag: 'port', env: 'LCS_PORT', default: '8080', help: 'serve: HTTP port' },
  host: { flag: 'host', env: 'LCS_HOST', default: '0.0.0.0', help: 'serve: listen address' },
  intervalMinutes: {
    flag: 'interval-minutes',
    env: 'LCS_SYNC_INTERVAL_MINUTES',
    default: '60',
    help: 'serve: fallback sync interval (0: webhook only)',
  },
  busyRetrySeconds: {
    flag: 'busy-retry-seconds',
    env: 'LCS_BUSY_RETRY_SECONDS',
    default: '30',
    help: 'serve: a hook refused by a busy lock is tried again after this long',
  },
  webhookSecret: {
    env: 'LCS_WEBHOOK_SECRET',
    help: 'serve: HMAC secret of POST /_/index-webhook (environment only)',
  },
  allowUnsignedWebhook: {
    flag: 'allow-unsigned-webhook',
    env: 'LCS_ALLOW_UNSIGNED_WEBHOOK',
    boolean: true,
    help: 'serve: accept the webhook without a secret (trusted networks only)',
  },
  augmentedIndex: {
    flag: 'augmented-index',
    env: 'LCS_AUGMENTED_INDEX',
    help: 'serve: augmented index whose lines /api/v1 merges into versions (a local repository, or an http(s) git URL fetched after each sync)',
  },
  augmentedIndexDir: {
    flag: 'augmented-index-dir',
    env: 'LCS_AUGMENTED_INDEX_DIR',
    help: 'serve: where an http(s) augmented index is fetched (default: under the OS temp directory)',
  },
  augmentedIndexToken: {
    env: 'LCS_AUGMENTED_INDEX_TOKEN',
    help: 'serve: token for an http(s) augmented index (basic auth, user x-access-token; environment only)',
  },
  apiToken: {
    env: 'LCS_API_TOKEN',
    help: 'serve: bearer token /api/v1 requires (environment only; without it the API is open)',
  },
  apiMaxConcurrent: {
    flag: 'api-max-concurrent',
    env: 'LCS_API_MAX_CONCURRENT',
    default: '8',
    help: 'serve: /api/v1 requests served at once; more get 503 (the sync shares the process)',
  },
} as const satisfies Record<string, OptionSpec>;

type OptionKey = keyof typeof OPTIONS;
const SCAN_KEYS: OptionKey[] = ['index', 'indexDir', 'json', 'logFormat', 'quiet', 'rev'];
const SYNC_KEYS: OptionKey[] = [
  'index',
  'indexDir',
  'json',
  'logFormat',
  'quiet',
  'store',
  'metadata',
  'concurrency',
  'maxSessionCrates',
  'full',
  'reread',
  'dl',
  'contact',
  'metricsFile',
  'pushgateway',
  'metricsPort',
  'noPerCrateMetrics',
  'lockTtl',
  'drainSeconds',
  'timeoutSeconds',
  'minBytesPerSecond',
  'maxAttempts',
  'maxCrateBytes',
];
const VERIFY_KEYS: OptionKey[] = [
  'index',
  'indexDir',
  'json',
  'logFormat',
  'quiet',
  'store',
  'metadata',
  'concurrency',
  'sample',
  'maxBytesPerSecond',
  'hashThreads',
  'trustStoredChecksum',
  'repair',
  'restart',
  'shard',
  'shardCount',
  'dl',
  'contact',
  'metricsFile',
  'pushgateway',
  'lockTtl',
  'timeoutSeconds',
  'minBytesPerSecond',
  'maxAttempts',
  'maxCrateBytes',
];
/** Options read from the environment only, never shown in messages. */
const SECRET_KEYS: OptionKey[] = ['webhookSecret', 'apiToken', 'augmentedIndexToken'];

const SERVE_KEYS: OptionKey[] = [
  ...SYNC_KEYS,
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
];

export const USAGE = `Usage: lcs-fetcher <command> [options]

Commands:
  sync    Mirror the index's crates into the store: pull the index, find every version the store
          lacks, download, verify sha256 against the index cksum, store. One run, then exit.
  serve   HTTP server: POST /_/index-webhook (X-Hub-Signature-256) starts a sync; a fallback
          interval sync; /healthz, /readyz, /metrics; the read API /api/v1 (changes, crates,
          snapshots).
  scan    Read an index and print what it holds.
  verify  Read back every stored object and check its sha256 against the index: missing,
          corrupt, unexpected keys; --repair mends them. Resumes where a stopped scrub stopped.
  status  What the mirror holds: cursor, retry list, last runs, last verify, lock holder.

Run lcs-fetcher <command> --help for the options of one command.

Options of sync and serve (each also read from the environment variable shown):
${optionHelp(OPTIONS, SYNC_KEYS)}

Options of sync only:
${optionHelp(OPTIONS, ['shard', 'shardCount'])}

Options of serve only:
${optionHelp(
  OPTIONS,
  SERVE_KEYS.filter((k) => !SYNC_KEYS.includes(k)),
)}

Options of verify only:
${optionHelp(OPTIONS, ['sample', 'maxBytesPerSecond', 'hashThreads', 'trustStoredChecksum', 'repair', 'restart'])}

Options of scan: --index, --index-dir, --rev, --json, --log-format, --quiet (as above).
Options of status: --store, --metadata, --shard, --shard-count, --json (as above).

Other options: -h, --help; -V, --version.

Exit status: 0 all done; 1 some versions failed (recorded, retried next run), or verify found
problems it did not mend; 2 bad configuration or input; 3 another fetcher holds the lock;
130 / 143 a sync or verify stopped by SIGINT / SIGTERM (its progress is saved; the next run
resumes). serve exits 0 after a graceful SIGTERM.
`;

const COMMANDS = {
  sync: {
    keys: [...SYNC_KEYS, 'shard', 'shardCount'] as OptionKey[],
    what: `Mirror the index's crates into the store: pull the index, find every version the store
lacks, download it, verify its sha256 against the index cksum, store it. One run, then exit.`,
  },
  serve: {
    keys: SERVE_KEYS,
    what: `HTTP server: POST /_/index-webhook (X-Hub-Signature-256) starts a sync; a fallback interval
sync; /healthz, /readyz, /metrics; the read API /api/v1/changes, /api/v1/crates/{name} and
/api/v1/snapshots. Exits 0 after a graceful SIGTERM.`,
  },
  scan: { keys: SCAN_KEYS, what: 'Read an index and print what it holds.' },
  verify: {
    keys: VERIFY_KEYS,
    what: `Read back every stored object of the versions the index lists and check its sha256 against
the index cksum: ok, missing, corrupt (size and digest), unreadable, and unexpected keys no index
version names (reported, never deleted). --repair downloads missing and corrupt objects again
through the verified put and reads them back; a corrupt copy is first kept under
_lcs/quarantine/. A stopped scrub resumes from its cursor. Exit 0 clean, 1 problems found.`,
  },
  status: {
    keys: ['store', 'metadata', 'json', 'logFormat', 'quiet', 'shard', 'shardCount'] as OptionKey[],
    what: `What the mirror holds, read without taking the lock: the cursor (index commit, its time,
when it was mirrored), the retry list with reasons and attempts, the last runs, the lock holder.`,
  },
} as const;

/** `lcs-fetcher <command> --help`: that command's options only, each with its variable and default. */
export function commandUsage(command: keyof typeof COMMANDS): string {
  const { keys, what } = COMMANDS[command];
  return `Usage: lcs-fetcher ${command} [options]

${what}

Options (each also read from the environment variable shown; flags win):
${optionHelp(OPTIONS, keys)}
${'  -h, --help'.padEnd(29)}this help
${'  -V, --version'.padEnd(29)}the version

Exit status: see lcs-fetcher --help.
`;
}

const FLAG_TO_KEY = new Map<string, OptionKey>(
  Object.entries(OPTIONS).flatMap(([k, o]): Array<[string, OptionKey]> =>
    'flag' in o ? [[o.flag, k as OptionKey]] : [],
  ),
);

/**
 * Parses flags and environment once, at start-up. Flags win over environment variables.
 * @throws {ConfigError} naming the bad flag or variable and its value.
 */
export function parseConfig(argv: string[], env: NodeJS.ProcessEnv): Config {
  const { positionals, values, help, version } = parseCommandLine(argv, OPTIONS);
  const command = positionals[0];
  if (version) return { command: 'version' };
  if (help && command !== undefined && command in COMMANDS)
    return { command: 'help', topic: command as keyof typeof COMMANDS };
  if (help || command === undefined || command === 'help') return { command: 'help' };
  if (positionals.length > 1)
    throw new ConfigError(
      positionals[1] ?? '',
      `unexpected argument ${JSON.stringify(positionals[1])}`,
    );
  const keys = command in COMMANDS ? COMMANDS[command as keyof typeof COMMANDS].keys : undefined;
  if (!keys)
    throw new ConfigError(
      command,
      `unknown command ${JSON.stringify(command)} (${Object.keys(COMMANDS).join(', ')})`,
    );
  for (const flagName of Object.keys(values)) {
    const key = FLAG_TO_KEY.get(flagName);
    if (key && !keys.includes(key))
      throw new ConfigError(`--${flagName}`, `--${flagName} is not an option of ${command}`);
  }
  const { raw, origin } = resolveOptions(OPTIONS, keys, values, env);
  raw['command'] = command;
  const schema = {
    scan: scanSchema,
    sync: syncSchema,
    serve: serveSchema,
    status: statusSchema,
    verify: verifySchema,
  }[command as keyof typeof COMMANDS];
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = String(issue?.path[0] ?? 'command') as OptionKey;
    const input = String(raw[key] ?? '');
    // A secret is never echoed: the error names its variable instead of its value.
    const secret = SECRET_KEYS.includes(key) ? (OPTIONS[key] as { env: string }).env : undefined;
    const shown = secret ? '(hidden)' : JSON.stringify(input);
    const what = origin[key] ?? key;
    throw new ConfigError(secret ?? input, `invalid ${what} ${shown}: ${issue?.message}`);
  }
  if (result.data.command === 'scan' || result.data.command === 'serve') return result.data;
  const { shard, shardCount, ...rest } = result.data;
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
  origin: Record<string, string>,
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
    throw new ConfigError(shard, `give ${origin['shard']} or ${origin['shardCount']}, not both`);
  if (shard !== undefined) return parse(shard, origin['shard'] ?? 'shard');
  if (shardCount === undefined) return undefined;
  const index = env['JOB_COMPLETION_INDEX'];
  if (index === undefined || !/^\d+$/.test(index))
    throw new ConfigError(
      index ?? '',
      `${origin['shardCount']} needs JOB_COMPLETION_INDEX (set by an Indexed Job), got ${JSON.stringify(index ?? null)}`,
    );
  return parse(
    `${index}/${shardCount}`,
    `JOB_COMPLETION_INDEX ${JSON.stringify(index)} of ${shardCount} shards`,
  );
}
