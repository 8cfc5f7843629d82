/**
 * The snapshot history: every index commit a sync left fully mirrored, with its commit time and
 * the time it was mirrored. "The mirror as of T" is the newest record whose commit time is at or
 * before T. The fetcher writes it when its cursor moves; consumers read it.
 *
 * Kept bounded: records older than `keepAllDays` are thinned to the last one of each UTC day, and
 * when the metadata value outgrows `inlineLimitBytes` (etcd takes 1.5 MiB per request) its older
 * half moves to a content-addressed object in the crate store under `_lcs/`, the way the fetcher's
 * retry list does. A webhook-driven mirror (a sync every few minutes) thus keeps a week at full
 * resolution and one record per day before it: about 60 KB a year.
 */
import { z } from 'zod';
import {
  readStateJson,
  writeStateJson,
  type CrateStore,
  type MetadataStore,
  type RunnerLock,
} from '@lcs/crate-store';
import { SnapshotError } from '../errors.js';

const recordSchema = z.object({
  commit: z.string().regex(/^[0-9a-f]{40,64}$/),
  committedAt: z.iso.datetime(),
  mirroredAt: z.iso.datetime(),
  missing: z.number().int().nonnegative(),
});

const archiveSchema = z.object({
  object: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  count: z.number().int().nonnegative(),
});

const docSchema = z.object({ recent: z.array(recordSchema), archive: archiveSchema.optional() });

/**
 * One recorded snapshot: an index commit every version of which was stored when `mirroredAt` was
 * written, except `missing` versions that were on the retry list (downloads that failed and are
 * tried again; 0 for a complete snapshot).
 */
export type SnapshotRecord = z.infer<typeof recordSchema>;

/** Options of {@link SnapshotHistory}. */
export interface SnapshotHistoryOptions {
  readonly metadata: MetadataStore;
  /** Where the older half of a large history goes (the crate store). */
  readonly objects: Pick<CrateStore, 'readObject' | 'writeObject'>;
  /** Key namespace: the fetcher's (default `fetcher`). */
  readonly namespace?: string;
  /** Records younger than this many days (by mirror time) are all kept (default 7). */
  readonly keepAllDays?: number;
  /** A history value above this many bytes of JSON spills its older half to the store (default 128 KiB). */
  readonly inlineLimitBytes?: number;
}

type HistoryDoc = z.infer<typeof docSchema>;

/** Keeps every record from `cutoff` on, and before it the last record of each UTC day. */
function thin(records: readonly SnapshotRecord[], cutoff: number): SnapshotRecord[] {
  return records.filter((record, i) => {
    if (Date.parse(record.mirroredAt) >= cutoff) return true;
    const next = records[i + 1];
    return next === undefined || next.mirroredAt.slice(0, 10) !== record.mirroredAt.slice(0, 10);
  });
}

/** The snapshot history in a metadata store (and, when large, the crate store). */
export class SnapshotHistory {
  readonly #metadata: MetadataStore;
  readonly #objects: Pick<CrateStore, 'readObject' | 'writeObject'>;
  readonly #ns: string;
  readonly #keepAllMs: number;
  readonly #inlineLimit: number;

  constructor(options: SnapshotHistoryOptions) {
    this.#metadata = options.metadata;
    this.#objects = options.objects;
    this.#ns = options.namespace ?? 'fetcher';
    this.#keepAllMs = (options.keepAllDays ?? 7) * 86_400_000;
    this.#inlineLimit = options.inlineLimitBytes ?? 128 * 1024;
  }

  get #key(): string {
    return `${this.#ns}/snapshots`;
  }

  #corrupt(input: string, why: string, cause?: unknown): SnapshotError {
    return new SnapshotError(
      'SNAPSHOT_HISTORY_CORRUPT',
      input,
      `snapshot history ${input}: ${why}`,
      cause === undefined ? undefined : { cause },
    );
  }

  async #doc(): Promise<HistoryDoc> {
    const text = await this.#metadata.get(this.#key);
    if (text === undefined) return { recent: [] };
    try {
      return docSchema.parse(JSON.parse(text));
    } catch (error) {
      throw this.#corrupt(this.#key, `not valid: ${(error as Error).message}`, error);
    }
  }

  async #archive(doc: HistoryDoc): Promise<SnapshotRecord[]> {
    if (!doc.archive) return [];
    const { object } = doc.archive;
    const read = await readStateJson(this.#objects, doc.archive);
    if ('problem' in read) throw this.#corrupt(object, `archive object is ${read.problem}`);
    try {
      return z.array(recordSchema).parse(JSON.parse(read.text));
    } catch (error) {
      throw this.#corrupt(object, `not valid: ${(error as Error).message}`, error);
    }
  }

  /** Every record, newest first (the archive is read only when the recent ones are passed). */
  async *records(): AsyncGenerator<SnapshotRecord> {
    const doc = await this.#doc();
    for (let i = doc.recent.length - 1; i >= 0; i--) yield doc.recent[i] as SnapshotRecord;
    const archive = await this.#archive(doc);
    for (let i = archive.length - 1; i >= 0; i--) yield archive[i] as SnapshotRecord;
  }

  /** The newest record, `undefined` before the first. */
  async latest(): Promise<SnapshotRecord | undefined> {
    for await (const record of this.records()) return record;
    return undefined;
  }

  /** The newest record whose commit time is at or before `time`. */
  async at(time: Date): Promise<SnapshotRecord | undefined> {
    for await (const record of this.records())
      if (Date.parse(record.committedAt) <= time.getTime()) return record;
    return undefined;
  }

  /** The record of `commit`, if it was recorded. */
  async find(commit: string): Promise<SnapshotRecord | undefined> {
    for await (const record of this.records()) if (record.commit === commit) return record;
    return undefined;
  }

  /**
   * Records a mirrored commit. The same commit as the newest record only updates `missing` (a
   * rerun that cleared the retry list); its first mirror time stays. Fenced by `lock`.
   */
  async record(record: SnapshotRecord, lock?: RunnerLock): Promise<void> {
    const entry = recordSchema.parse(record);
    const doc = await this.#doc();
    const last = doc.recent.at(-1);
    let recent =
      last?.commit === entry.commit
        ? [...doc.recent.slice(0, -1), { ...last, missing: entry.missing }]
        : [...doc.recent, entry];
    const cutoff = Date.parse(entry.mirroredAt) - this.#keepAllMs;
    recent = thin(recent, cutoff);
    let archive = doc.archive;
    if (Buffer.byteLength(JSON.stringify(recent)) > this.#inlineLimit && recent.length > 1) {
      const split = Math.floor(recent.length / 2);
      const older = thin([...(await this.#archive(doc)), ...recent.slice(0, split)], cutoff);
      recent = recent.slice(split);
      const ref = await writeStateJson(
        this.#objects,
        `${this.#ns}/snapshots`,
        JSON.stringify(older),
      );
      archive = { ...ref, count: older.length };
    }
    const next: HistoryDoc = { recent, ...(archive ? { archive } : {}) };
    await this.#metadata.put(this.#key, JSON.stringify(next), { lock });
  }
}
