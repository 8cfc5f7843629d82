/**
 * What the fetcher remembers between runs, on top of a {@link MetadataStore}: the index commit of
 * the last successful sync (the cursor), the crate versions that failed and must be retried, and
 * recent run summaries. A retry list too large for a metadata value (etcd's 1.5 MiB request
 * limit) is written to the crate store as a content-addressed object under `_lcs/`, and the
 * metadata holds a pointer with its digest, as the design puts it: "or Minio directly if too large
 * for Etcd".
 *
 * Ordering is what keeps failures from being dropped: {@link SyncStateStore.saveProgress} writes the
 * retry list first and moves the cursor second, so a crash between the two repeats work but never
 * skips it.
 */
import { z } from 'zod';
import {
  readStateJson,
  writeStateJson,
  type CrateStore,
  type MetadataStore,
  type RunnerLock,
} from '@lcs/crate-store';
import { MirrorError } from '../errors.js';
import { readStateValue } from '../state-value.js';
import type { SyncStatus } from './sync-run.js';

const cursorSchema = z.object({
  commit: z.string().regex(/^[0-9a-f]{40,64}$/),
  committedAt: z.string().optional(),
  syncedAt: z.string(),
});

const failureSchema = z.object({
  name: z.string(),
  version: z.string(),
  cksum: z.string(),
  code: z.string(),
  reason: z.string(),
  attempts: z.number().int().positive(),
  firstFailedAt: z.string(),
  lastFailedAt: z.string(),
  /** The store holds a copy that is not the index's bytes: a retry reads it back, not `has`. */
  damaged: z.literal(true).optional(),
});

const failuresDocSchema = z.union([
  z.object({ items: z.array(failureSchema) }),
  z.object({ object: z.string(), sha256: z.string(), count: z.number().int() }),
]);

const runSchema = z.looseObject({
  startedAt: z.string(),
  finishedAt: z.string(),
  status: z.enum(['ok', 'partial', 'failed', 'interrupted'] satisfies SyncStatus[]),
});

/** The index state the last successful sync covered. */
export type IndexCursor = z.infer<typeof cursorSchema>;
/** A crate version that failed and is retried by the next run. */
export type FailedVersion = z.infer<typeof failureSchema>;
/** A run summary (the app adds its own counters). */
export type RunRecord = z.infer<typeof runSchema>;

/** Options of {@link SyncStateStore}. */
export interface SyncStateStoreOptions {
  readonly metadata: MetadataStore;
  /** Where a large retry list goes (the crate store). */
  readonly objects: Pick<CrateStore, 'readObject' | 'writeObject'>;
  /** Key namespace, one per service (default `fetcher`). */
  readonly namespace?: string;
  /** Retry lists above this size (bytes of JSON) go to the object store (default 256 KiB). */
  readonly inlineLimitBytes?: number;
  /** Run summaries kept (default 20). */
  readonly keepRuns?: number;
}

/** The fetcher's durable state. */
export class SyncStateStore {
  readonly #metadata: MetadataStore;
  readonly #objects: Pick<CrateStore, 'readObject' | 'writeObject'>;
  readonly #ns: string;
  readonly #inlineLimit: number;
  readonly #keepRuns: number;

  constructor(options: SyncStateStoreOptions) {
    this.#metadata = options.metadata;
    this.#objects = options.objects;
    this.#ns = options.namespace ?? 'fetcher';
    this.#inlineLimit = options.inlineLimitBytes ?? 256 * 1024;
    this.#keepRuns = options.keepRuns ?? 20;
  }

  #read<T>(key: string, schema: z.ZodType<T>): Promise<T | undefined> {
    return readStateValue(this.#metadata, key, schema);
  }

  /** The cursor of the last successful sync, or `undefined` before the first one. */
  async cursor(): Promise<IndexCursor | undefined> {
    return this.#read(`${this.#ns}/cursor`, cursorSchema);
  }

  /** The crate versions to retry (empty when none). */
  async failures(): Promise<FailedVersion[]> {
    const key = `${this.#ns}/failures`;
    const doc = await this.#read(key, failuresDocSchema);
    if (!doc) return [];
    if ('items' in doc) return doc.items;
    const read = await readStateJson(this.#objects, doc);
    if ('problem' in read)
      throw new MirrorError(
        'SYNC_STATE_CORRUPT',
        key,
        `retry list object ${doc.object} is ${read.problem}`,
      );
    return z.array(failureSchema).parse(JSON.parse(read.text));
  }

  /** Recent run summaries, newest last. */
  async runs(): Promise<RunRecord[]> {
    return (await this.#read(`${this.#ns}/runs`, z.array(runSchema))) ?? [];
  }

  /**
   * Records the retry list, then moves the cursor (when given). Both writes are fenced by `lock`.
   */
  async saveProgress(
    progress: { readonly failures: readonly FailedVersion[]; readonly cursor?: IndexCursor },
    lock?: RunnerLock,
  ): Promise<void> {
    const items = z.array(failureSchema).parse(progress.failures);
    const json = JSON.stringify(items);
    let doc: z.infer<typeof failuresDocSchema> = { items };
    if (Buffer.byteLength(json) > this.#inlineLimit) {
      const ref = await writeStateJson(this.#objects, `${this.#ns}/failures`, json);
      doc = { ...ref, count: items.length };
    }
    await this.#metadata.put(`${this.#ns}/failures`, JSON.stringify(doc), { lock });
    if (progress.cursor) {
      await this.#metadata.put(
        `${this.#ns}/cursor`,
        JSON.stringify(cursorSchema.parse(progress.cursor)),
        { lock },
      );
    }
  }

  /**
   * Adds versions to the retry list without moving the cursor (a scrub's repairs that failed). An
   * entry already there for the same version keeps its first failure and adds the attempts.
   */
  async addFailures(items: readonly FailedVersion[], lock?: RunnerLock): Promise<void> {
    if (items.length === 0) return;
    const id = (f: FailedVersion) => `${f.name}@${f.version}`;
    const merged = new Map((await this.failures()).map((f) => [id(f), f]));
    for (const item of items) {
      const old = merged.get(id(item));
      merged.set(
        id(item),
        old
          ? { ...item, attempts: old.attempts + item.attempts, firstFailedAt: old.firstFailedAt }
          : item,
      );
    }
    await this.saveProgress({ failures: [...merged.values()] }, lock);
  }

  /** Appends a run summary, keeping the newest ones. */
  async recordRun(run: RunRecord, lock?: RunnerLock): Promise<void> {
    const runs = [...(await this.runs()), runSchema.parse(run)].slice(-this.#keepRuns);
    await this.#metadata.put(`${this.#ns}/runs`, JSON.stringify(runs), { lock });
  }
}
