/**
 * The plan step of a sync: check where downloads may come from, read the cursor and the retry
 * list (dropping entries the index no longer holds), and choose the plan: a diff from the cursor
 * when the local index has its commit, a full comparison with the store listing otherwise. The
 * work is the retry list first, then the plan, each version once, read lazily as the pool drains.
 */
import {
  GitIndexSource,
  InvalidCrateNameError,
  readCrate,
  readIndexConfig,
  type GitCommitInfo,
  type IndexFile,
  type IndexSource,
  type ScannableIndexSource,
} from '@lcs/index-reader';
import { MirrorError } from '../errors.js';
import { formatShard, inShard, pathInShard } from '../shard/index.js';
import {
  hasCommit,
  newPlanReport,
  planFull,
  planIncremental,
  storedSet,
  type PlanReport,
  type WorkItem,
} from './sync-plan.js';
import type { SyncEvent, SyncOptions } from './sync-run.js';
import type { FailedVersion, IndexCursor } from './sync-state.js';

/** One unit of work: a planned version, or a retry entry. */
export type SyncWork = WorkItem & { readonly retry?: FailedVersion };

/** What the plan step hands the pool and the finish step. */
export interface SyncPlan {
  /** The download URL template (the operator's `dl`, or the index's). */
  readonly dl: string;
  readonly head: GitCommitInfo | undefined;
  readonly cursor: IndexCursor | undefined;
  /** Filled in as the work is read. */
  readonly report: PlanReport;
  readonly work: AsyncGenerator<SyncWork>;
}

const key = (item: { name: string; version: string }) => `${item.name}@${item.version}`;

/**
 * The download URL template of a run: the operator's `dl`, else the index's `config.json` one,
 * which must be http(s). An index chooses only where to download over HTTP: a `file://` (or any
 * other) dl from an index would let it read local files into the store.
 */
export async function resolveDl(source: IndexSource, given: string | undefined): Promise<string> {
  const config = await readIndexConfig(source);
  if (!config && !given) {
    throw new MirrorError(
      'SYNC_INDEX_NOT_SCANNABLE',
      source.location,
      `${source.location} has no config.json: its download URL is unknown (give a dl template)`,
    );
  }
  const dl = given ?? config?.dl ?? '';
  if (given === undefined && !/^https?:\/\//i.test(dl)) {
    throw new MirrorError(
      'SYNC_DL_REFUSED',
      dl,
      `${source.location}: config.json dl ${JSON.stringify(dl.slice(0, 200))} is not an http(s) URL (a local mirror's file:// template can only be given with --dl)`,
    );
  }
  return dl;
}

/** Plans a sync (see the module comment). */
export async function planSync(
  options: SyncOptions,
  emit: (event: SyncEvent) => void,
): Promise<SyncPlan> {
  const { source, store, state, metrics } = options;
  const dl = await resolveDl(source, options.dl);
  await sweepTemporary(options, emit);
  const head = source.commit;
  const { shard } = options;
  const inMyShard = shard ? (path: string) => pathInShard(path, shard) : undefined;
  const cursor = await state.cursor();
  const previous = await stillInIndex(source, await state.failures(), (message) =>
    emit({ type: 'log', level: 'info', message }),
  );

  const report = newPlanReport();
  const onCrate = (name: string, versions: number) => {
    if (versions === 0) metrics?.crateRemoved(name);
    else metrics?.crateVersions(name, versions);
    metrics?.scanned(1);
  };
  let plan: AsyncIterable<WorkItem>;
  if (
    head &&
    cursor &&
    !options.full &&
    !options.reread &&
    (await hasCommit(source as GitIndexSource, cursor.commit))
  ) {
    report.mode = 'incremental';
    plan = planIncremental(source as GitIndexSource, cursor.commit, report, onCrate, inMyShard);
  } else {
    if (head && cursor && !options.full) {
      emit({
        type: 'log',
        level: 'warn',
        message: 'cursor commit not in the local index clone: full scan',
        fields: { cursor: cursor.commit },
      });
    }
    emit({
      type: 'log',
      level: 'info',
      message: 'listing the store',
      fields: { store: store.location },
    });
    const watch = new Set(previous.map(key));
    const stored = await storedSet(store, options.signal, (name) => inShard(name, shard));
    plan = planFull(
      source,
      stored,
      report,
      onCrate,
      watch,
      inMyShard ? { filter: inMyShard } : {},
      options.reread === true,
    );
  }
  emit({
    type: 'log',
    level: 'info',
    message: `${report.mode} sync started`,
    fields: {
      from: cursor?.commit ?? null,
      to: head?.oid ?? null,
      retry: previous.length,
      ...(shard ? { shard: formatShard(shard) } : {}),
    },
  });

  // Retries first (oldest failures), then the plan; each version at most once.
  const seen = new Set<string>();
  async function* work(): AsyncGenerator<SyncWork> {
    for (const f of previous) {
      seen.add(key(f));
      yield {
        name: f.name,
        version: f.version,
        cksum: f.cksum,
        yanked: false,
        // A damaged stored copy is read back again: `has` would take it for mirrored.
        checkStore: f.damaged !== true,
        ...(f.damaged ? { reread: true } : {}),
        retry: f,
      };
    }
    for await (const item of plan) {
      if (seen.has(key(item))) continue;
      seen.add(key(item));
      yield item;
    }
  }

  return { dl, head, cursor, report, work: work() };
}

/** Removes what killed puts left in the store before this run adds its own (a log line if any). */
async function sweepTemporary(
  options: SyncOptions,
  emit: (event: SyncEvent) => void,
): Promise<void> {
  const { store } = options;
  const swept = await store.sweepTemporary?.({ olderThanMs: options.staleTempMs ?? 600_000 });
  if (swept && swept.removed > 0)
    emit({
      type: 'log',
      level: 'info',
      message: `removed ${swept.removed} temporary files killed puts left in ${store.location}`,
      fields: { removed: swept.removed, kept: swept.kept },
    });
}

/**
 * The retry entries whose version the index still holds with the same checksum; the others are
 * dropped before any download (a version the index deleted, or an entry a malformed line once
 * produced), each with a log line.
 */
async function stillInIndex(
  source: ScannableIndexSource,
  failures: readonly FailedVersion[],
  log: (message: string) => void,
): Promise<FailedVersion[]> {
  const kept: FailedVersion[] = [];
  for (const failure of failures) {
    const id = key(failure);
    let entries: IndexFile['entries'] = [];
    try {
      entries = (await readCrate(source, failure.name))?.entries ?? [];
    } catch (error) {
      if (!(error instanceof InvalidCrateNameError)) throw error;
    }
    if (entries.some((e) => e.vers === failure.version && e.cksum === failure.cksum))
      kept.push(failure);
    else log(`${id} left the retry list: no longer in the index`);
  }
  return kept;
}
