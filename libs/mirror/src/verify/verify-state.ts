/**
 * What a scrub remembers between runs, in the metadata store beside the sync's state: the cursor of
 * a scrub under way (so a killed or stopped one continues where it stopped) and the record of the
 * last complete one (`status` shows it, the alerts read its metrics).
 */
import { z } from 'zod';
import type { MetadataStore, RunnerLock } from '@lcs/crate-store';
import { readStateValue } from '../state-value.js';

const findingSchema = z.object({
  class: z.enum(['missing', 'corrupt', 'unexpected', 'unreadable']),
  name: z.string(),
  version: z.string(),
  key: z.string(),
  bytes: z.number().int().nonnegative().optional(),
  sha256: z.string().optional(),
  reason: z.string().optional(),
  repair: z.enum(['repaired', 'failed']).optional(),
  quarantine: z.string().optional(),
});

const countsSchema = z.object({
  versions: z.number().int().nonnegative(),
  checked: z.number().int().nonnegative(),
  trusted: z.number().int().nonnegative(),
  bytes: z.number().nonnegative(),
  ok: z.number().int().nonnegative(),
  missing: z.number().int().nonnegative(),
  corrupt: z.number().int().nonnegative(),
  unreadable: z.number().int().nonnegative(),
  unexpected: z.number().int().nonnegative(),
  repaired: z.number().int().nonnegative(),
  repair_failed: z.number().int().nonnegative(),
});

const scopeSchema = z.object({
  sample: z.number().positive().max(1),
  seed: z.string().regex(/^[0-9a-f]{16,64}$/),
  trustStoredChecksum: z.boolean(),
});

const cursorSchema = z.object({
  ...scopeSchema.shape,
  startedAt: z.string(),
  indexCommit: z.string().nullable(),
  /** Every crate file up to this index path (in scan order) is checked. */
  after: z.string(),
  counts: countsSchema,
  first: z.array(findingSchema),
});

const lastSchema = z.object({
  startedAt: z.string(),
  finishedAt: z.string(),
  indexCommit: z.string().nullable(),
  sample: z.number().positive().max(1),
  trustStoredChecksum: z.boolean(),
  repair: z.boolean(),
  counts: countsSchema,
  first: z.array(findingSchema),
});

/** One object a scrub found wrong, by name. */
export type VerifyFinding = z.infer<typeof findingSchema>;
/** What a scrub counted (cumulative over the runs of one resumed scrub). */
export type VerifyCounts = z.infer<typeof countsSchema>;
/** A scrub under way: where it stopped and what it found so far. */
export type VerifyCursor = z.infer<typeof cursorSchema>;
/** The last complete scrub. */
export type VerifyRecord = z.infer<typeof lastSchema>;

/** The scrub state of one namespace (`fetcher`, or a shard's own). */
export class VerifyStateStore {
  readonly #metadata: MetadataStore;
  readonly #ns: string;

  /** @param namespace the sync's state name (`shardStateName('fetcher', shard)`). */
  constructor(metadata: MetadataStore, namespace = 'fetcher') {
    this.#metadata = metadata;
    this.#ns = namespace;
  }

  /** The lock a scrub of this namespace holds, so two scrubs never share a cursor. */
  get lockName(): string {
    return `${this.#ns}-verify`;
  }

  #read<T>(key: string, schema: z.ZodType<T>): Promise<T | undefined> {
    return readStateValue(this.#metadata, key, schema);
  }

  /** The scrub under way, or `undefined`. */
  cursor(): Promise<VerifyCursor | undefined> {
    return this.#read(`${this.#ns}/verify-cursor`, cursorSchema);
  }

  /** Saves where a scrub stands, fenced by its lock. */
  async saveCursor(cursor: VerifyCursor, lock: RunnerLock): Promise<void> {
    const value = JSON.stringify(cursorSchema.parse(cursor));
    await this.#metadata.put(`${this.#ns}/verify-cursor`, value, { lock });
  }

  /** The last complete scrub, or `undefined` before the first. */
  last(): Promise<VerifyRecord | undefined> {
    return this.#read(`${this.#ns}/verify-last`, lastSchema);
  }

  /** Records a complete scrub and drops its cursor (in that order: a crash between repeats none). */
  async finish(record: VerifyRecord, lock: RunnerLock): Promise<void> {
    const value = JSON.stringify(lastSchema.parse(record));
    await this.#metadata.put(`${this.#ns}/verify-last`, value, { lock });
    await this.#metadata.delete(`${this.#ns}/verify-cursor`, { lock });
  }
}
