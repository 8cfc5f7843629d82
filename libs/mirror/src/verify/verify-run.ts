/**
 * A scrub of the mirror: read back every stored object of the versions the index lists, hash it,
 * and classify it against the index `cksum` (ok, missing, corrupt, unreadable), then name the keys
 * of the crate layout that no index version names (unexpected: reported, never deleted). With a
 * repair, a missing or corrupt object is downloaded again through the verified put and read back;
 * a corrupt copy is first kept under `_lcs/quarantine/` for forensics.
 *
 * Resumable at any size: crate files are checked in the scan's path order, and the cursor (every
 * path up to `after` is done, with the counts and the first findings of those crates) is saved
 * every few seconds and when the run stops. A crate's results count only once all its versions
 * are done, so a stopped scrub resumed later checks every object exactly once in total; a killed
 * one repeats at most the last checkpoint's worth.
 *
 * Memory: the listing as a {@link CompactKeySet} (about 30 bytes a key) and one byte a key for
 * "the index names it"; the index is streamed, objects are streamed and hashed, never held.
 */
import { createHash, randomBytes } from 'node:crypto';
import { crateKey, type CrateStore, type RunnerLock, type StoredCrate } from '@lcs/crate-store';
import { downloadUrl, scanIndex, type ScannableIndexSource } from '@lcs/index-reader';
import { inSeededSample } from '@lcs/internal';
import type { VerifyMetrics, VerifyResult } from '@lcs/metrics';
import { ByteRate } from './byte-rate.js';
import { CompactKeySet } from '../compact-key-set.js';
import type { Downloader } from '../download/downloader.js';
import { DownloadFailedError, MirrorError } from '../errors.js';
import { classifyFailure } from '../download/failure.js';
import { FileDigestPool } from './file-digest-pool.js';
import { formatShard, inShard, pathInShard, type Shard } from '../shard/index.js';
import { storedDigest } from './stored-digest.js';
import { resolveDl } from '../sync/sync-plan-step.js';
import type { FailedVersion, SyncStateStore } from '../sync/sync-state.js';
import type {
  VerifyCounts,
  VerifyCursor,
  VerifyFinding,
  VerifyStateStore,
} from './verify-state.js';

/** What a repair needs: a downloader, and the sync's state and lock (a repair never races a sync). */
export interface VerifyRepair {
  readonly downloader: Downloader;
  /** The sync's state: a repair that fails goes on its retry list. */
  readonly retry: SyncStateStore;
  /** The sync's single-runner lock, held for the whole scrub. */
  readonly lock: RunnerLock;
  /** Download URL template replacing the index's `dl`. */
  readonly dl?: string;
}

/** Options of {@link runVerify}. */
export interface VerifyOptions {
  readonly source: ScannableIndexSource;
  readonly store: CrateStore;
  readonly state: VerifyStateStore;
  /** The scrub's own lock (`state.lockName`), held: it fences the cursor. */
  readonly lock: RunnerLock;
  /** Check only this shard's crates (`state` then the shard's own). */
  readonly shard?: Shard;
  /**
   * Fraction of the stored objects read (0 < f <= 1, default 1), chosen by a seeded hash of each
   * `name@version`, so a resumed scrub reads the same sample. Missing and unexpected objects come
   * from the listing and are always found in full.
   */
  readonly sample?: number;
  /** Most bytes read per second over all readers (default: no ceiling). */
  readonly maxBytesPerSecond?: number;
  /** Objects read at once (default 8). */
  readonly concurrency?: number;
  /**
   * Longest wait for an object or its next bytes, ms (default 60 s): a stalled read is dropped and
   * the object counted `unreadable`, so one hung GET cannot hold the scrub.
   */
  readonly readIdleMs?: number;
  /**
   * Worker threads hashing the objects of a store on local disk (one with
   * `CrateStore.localFile`), default 2; 0 reads and hashes them on this thread.
   */
  readonly hashThreads?: number;
  /**
   * Take the checksum the backend kept at upload (S3 `x-amz-checksum-sha256`) instead of reading
   * the bytes, where it kept one. Cheap, but it proves what was uploaded, not what the disks hold.
   */
  readonly trustStoredChecksum?: boolean;
  /** Mend what is missing or corrupt (see {@link VerifyRepair}). */
  readonly repair?: VerifyRepair;
  /** Start over even when a scrub is under way. */
  readonly restart?: boolean;
  /** Findings named per class in the summary (default 20; all are counted). */
  readonly firstN?: number;
  /** How often the cursor is saved, ms (default 5 s). */
  readonly checkpointMs?: number;
  /** Seed of the sample (default random, kept in the cursor); for reproducible tests. */
  readonly seed?: string;
  /** Stop at the next crate boundary, finish what is in flight, save the cursor. */
  readonly signal?: AbortSignal;
  readonly metrics?: VerifyMetrics;
  readonly onEvent?: (event: VerifyEvent) => void;
}

/** Progress and log events, for a TTY line or JSON logs. */
export type VerifyEvent =
  | {
      readonly type: 'progress';
      readonly checked: number;
      readonly bytes: number;
      /** Bytes the scrub expects to read in all (stored bytes in scope, times the sample). */
      readonly bytesTotal: number;
      readonly percent: number;
      readonly bytesPerSecond: number;
      /** Seconds left at the current rate; `null` before there is a rate. */
      readonly etaSeconds: number | null;
    }
  | {
      readonly type: 'log';
      readonly level: 'info' | 'warn' | 'error';
      readonly message: string;
      readonly fields?: Record<string, unknown>;
    };

/** `clean`: nothing wrong is left; `problems`: something is; `interrupted`: stopped, resumable. */
export type VerifyStatus = 'clean' | 'problems' | 'interrupted';

/** The scrub summary; `--json` prints it as the last stdout line. */
export interface VerifySummary extends VerifyCounts {
  readonly status: VerifyStatus;
  /** Whether the scrub got through the whole index (a resumed one counts its earlier runs). */
  readonly complete: boolean;
  readonly shard: string | null;
  readonly index_commit: string | null;
  readonly sample: number;
  /** Stored checksums were taken for `trusted` objects instead of their bytes. */
  readonly trusted_stored_checksum: boolean;
  readonly repair: boolean;
  /** This run continued a scrub a previous run began. */
  readonly resumed: boolean;
  readonly started_at: string;
  /** The first findings of each class, by name. */
  readonly first: Readonly<Record<VerifyFinding['class'], readonly VerifyFinding[]>>;
  readonly duration_s: number;
}

/** Runs (or resumes) one scrub. Throws `LockLostError` when a lock was lost. */
export async function runVerify(options: VerifyOptions): Promise<VerifySummary> {
  const scrub = new Scrub(options);
  try {
    await scrub.begin();
    await scrub.listStore();
    await scrub.scan();
    await scrub.drain();
    return await scrub.finish();
  } finally {
    await scrub.close();
  }
}

const id = (v: { name: string; version: string }) => `${v.name}@${v.version}`;

function zeroCounts(): VerifyCounts {
  return {
    versions: 0,
    checked: 0,
    trusted: 0,
    bytes: 0,
    ok: 0,
    missing: 0,
    corrupt: 0,
    unreadable: 0,
    unexpected: 0,
    repaired: 0,
    repair_failed: 0,
  };
}

function addCounts(into: VerifyCounts, from: VerifyCounts): void {
  for (const k of Object.keys(from) as Array<keyof VerifyCounts>) into[k] += from[k];
}

/** One crate file in flight: its results count once all its versions are done. */
interface CrateTicket {
  readonly path: string;
  pending: number;
  readonly counts: VerifyCounts;
  readonly findings: VerifyFinding[];
}

/** One index version to check. */
interface Version {
  readonly name: string;
  readonly version: string;
  readonly cksum: string;
}

/** A state object key for the quarantined copy of `v`: lowercase segments, unique per scrub. */
function quarantineKey(stamp: string, v: Version): string {
  const safe = (s: string) => s.toLowerCase().replace(/[^a-z0-9._-]/g, '_');
  const tag = createHash('sha256').update(id(v)).digest('hex').slice(0, 8);
  return `_lcs/quarantine/${stamp}/${safe(v.name)}/${safe(v.name)}-${safe(v.version)}-${tag}.crate`;
}

/**
 * The state of one scrub, in named steps: `begin` (cursor or a fresh scope), `listStore`, `scan`
 * (each crate: `checkCrate`, each version: `checkObject`, then `repairObject`), `checkpoint`,
 * `drain`, `finish` (the unexpected keys, the record, the metrics), `close`.
 */
class Scrub {
  readonly #o: VerifyOptions;
  readonly #emit: (event: VerifyEvent) => void;
  readonly #started = performance.now();
  readonly #firstN: number;
  readonly #rate: ByteRate;
  readonly #abort = new AbortController();
  readonly #inflight = new Set<Promise<void>>();
  readonly #tickets: CrateTicket[] = [];
  readonly #failed: FailedVersion[] = [];
  /** Counts and findings of the crates up to the cursor (earlier runs included). */
  readonly #done: VerifyCounts = zeroCounts();
  #first: VerifyFinding[] = [];
  #cursor!: VerifyCursor;
  #resumed = false;
  #stored = new CompactKeySet();
  #indexed = new Uint8Array(0);
  #bytesTotal = 0;
  #liveBytes = 0;
  #liveChecked = 0;
  #lastCheckpoint = performance.now();
  #lastProgress = 0;
  #complete = false;
  #dl = '';
  #stamp = '';
  #pool: FileDigestPool | undefined;

  constructor(options: VerifyOptions) {
    const sample = options.sample ?? 1;
    if (!(sample > 0 && sample <= 1))
      throw new MirrorError(
        'VERIFY_OPTIONS_INVALID',
        String(sample),
        `sample ${sample} is not a fraction in (0, 1]`,
      );
    this.#o = options;
    this.#emit = options.onEvent ?? (() => undefined);
    this.#firstN = options.firstN ?? 20;
    this.#rate = new ByteRate(options.maxBytesPerSecond ?? 0);
    const onLost = () => this.#abort.abort(options.lock.signal.reason);
    options.lock.signal.addEventListener('abort', onLost, { once: true });
    options.repair?.lock.signal.addEventListener(
      'abort',
      () => this.#abort.abort(options.repair?.lock.signal.reason),
      { once: true },
    );
  }

  get #sample(): number {
    return this.#o.sample ?? 1;
  }

  /** Continues the scrub under way when its scope is this run's; otherwise starts a new one. */
  async begin(): Promise<void> {
    const { state, source } = this.#o;
    const previous = this.#o.restart ? undefined : await state.cursor();
    const trust = this.#o.trustStoredChecksum === true;
    if (previous && previous.sample === this.#sample && previous.trustStoredChecksum === trust) {
      this.#cursor = previous;
      this.#resumed = true;
      addCounts(this.#done, previous.counts);
      this.#first = [...previous.first];
      this.#log('info', `resuming the scrub begun ${previous.startedAt} after ${previous.after}`, {
        after: previous.after,
        checked: previous.counts.checked,
      });
    } else {
      if (previous)
        this.#log('info', 'a scrub of another scope was under way: starting over', {
          sample: previous.sample,
        });
      this.#cursor = {
        sample: this.#sample,
        seed: this.#o.seed ?? randomBytes(16).toString('hex'),
        trustStoredChecksum: trust,
        startedAt: new Date().toISOString(),
        indexCommit: source.commit?.oid ?? null,
        after: '',
        counts: zeroCounts(),
        first: [],
      };
    }
    this.#stamp = new Date().toISOString().toLowerCase().replaceAll(':', '-');
    if (this.#o.repair) this.#dl = await resolveDl(source, this.#o.repair.dl);
    const threads = this.#o.hashThreads ?? 2;
    if (this.#o.store.localFile && threads > 0) this.#pool = new FileDigestPool(threads);
  }

  /** The store's keys in scope, and their bytes (what a full read costs, for the ETA). */
  async listStore(): Promise<void> {
    const { shard } = this.#o;
    const stored = new CompactKeySet();
    let bytes = 0;
    for await (const crate of this.#o.store.list({
      signal: this.#abort.signal,
    }) as AsyncIterable<StoredCrate>) {
      if (shard && !inShard(crate.name, shard)) continue;
      stored.add(id(crate));
      bytes += crate.size;
    }
    this.#stored = stored;
    this.#indexed = new Uint8Array(stored.size);
    this.#bytesTotal = Math.round(bytes * this.#sample);
    this.#log('info', `the store holds ${stored.size} objects in scope (${bytes} bytes)`, {
      objects: stored.size,
      bytes,
    });
  }

  /** Every crate file of the index in scope, in path order; stops at a crate boundary. */
  async scan(): Promise<void> {
    const { shard } = this.#o;
    const files = scanIndex(this.#o.source, shard ? { filter: (p) => pathInShard(p, shard) } : {});
    let stopped = false;
    for await (const file of files) {
      // Marked whatever the cursor says: the unexpected keys are what no index line names. One
      // lookup a version: the mark also says whether it is stored.
      const versions = file.entries.map((e) => {
        const v = { name: e.name, version: e.vers, cksum: e.cksum };
        const at = this.#stored.indexOf(id(v));
        if (at >= 0) this.#indexed[at] = 1;
        return { ...v, stored: at >= 0 };
      });
      if (file.path <= this.#cursor.after) continue;
      if (this.#stopping()) {
        stopped = true;
        break;
      }
      await this.checkCrate(file.path, versions);
      if (performance.now() - this.#lastCheckpoint > (this.#o.checkpointMs ?? 5000))
        await this.checkpoint();
    }
    this.#complete = !stopped && !this.#stopping();
  }

  #stopping(): boolean {
    return this.#o.signal?.aborted === true || this.#abort.signal.aborted;
  }

  /** Classifies one crate's versions: missing at once from the listing, the others read. */
  async checkCrate(
    path: string,
    versions: ReadonlyArray<Version & { readonly stored: boolean }>,
  ): Promise<void> {
    const ticket: CrateTicket = { path, pending: 1, counts: zeroCounts(), findings: [] };
    this.#tickets.push(ticket);
    for (const v of versions) {
      ticket.counts.versions++;
      if (!v.stored) {
        const finding = this.#found(ticket, 'missing', v, {});
        if (this.#o.repair) await this.#launch(ticket, () => this.repairObject(ticket, v, finding));
        continue;
      }
      if (!inSeededSample(this.#cursor.seed, this.#sample, id(v))) continue;
      await this.#launch(ticket, () => this.checkObject(ticket, v));
    }
    this.#settle(ticket);
  }

  /** Runs `task` for `ticket` once fewer than `concurrency` are in flight. */
  async #launch(ticket: CrateTicket, task: () => Promise<void>): Promise<void> {
    while (this.#inflight.size >= Math.max(1, this.#o.concurrency ?? 8))
      await Promise.race(this.#inflight);
    ticket.pending++;
    const running: Promise<void> = task()
      .catch((error: unknown) => {
        // Only a lost lock gets here (each step classifies its own failures): stop everything.
        this.#abort.abort(error);
      })
      .finally(() => {
        this.#inflight.delete(running);
        this.#settle(ticket);
      });
    this.#inflight.add(running);
  }

  /** One task of `ticket` is done; crates whose tasks are all done move the cursor, in order. */
  #settle(ticket: CrateTicket): void {
    ticket.pending--;
    while (this.#tickets[0] && this.#tickets[0].pending === 0) {
      const done = this.#tickets.shift() as CrateTicket;
      addCounts(this.#done, done.counts);
      for (const f of done.findings) this.#keep(f);
      this.#cursor.after = done.path;
    }
  }

  /** Names `f` among the first findings while its class has fewer than `firstN` named. */
  #keep(f: VerifyFinding): void {
    let named = 0;
    for (const g of this.#first) if (g.class === f.class) named++;
    if (named < this.#firstN) this.#first.push(f);
  }

  /** Reads one stored object (or takes its stored checksum) and classifies it. */
  async checkObject(ticket: CrateTicket, v: Version): Promise<void> {
    const { store } = this.#o;
    const signal = this.#abort.signal;
    let sha256: string | undefined;
    let bytes = 0;
    let trusted = false;
    try {
      if (this.#o.trustStoredChecksum && store.storedChecksum) {
        sha256 = await store.storedChecksum(v);
        trusted = sha256 !== undefined;
      }
      if (!trusted)
        ({ sha256, bytes } = await storedDigest(store, v, {
          signal,
          rate: this.#rate,
          ...(this.#pool ? { pool: this.#pool } : {}),
          ...(this.#o.readIdleMs !== undefined ? { idleMs: this.#o.readIdleMs } : {}),
        }));
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      this.#found(ticket, 'unreadable', v, { reason: (error as Error).message.slice(0, 300) });
      return;
    }
    ticket.counts.checked++;
    ticket.counts.bytes += bytes;
    if (trusted) ticket.counts.trusted++;
    this.#liveChecked++;
    this.#liveBytes += bytes;
    this.#o.metrics?.bytes(bytes);
    this.#progress();
    if (sha256 === undefined) {
      // Listed, then gone before it was read (a delete in between): missing now.
      const finding = this.#found(ticket, 'missing', v, {});
      if (this.#o.repair) await this.repairObject(ticket, v, finding);
      return;
    }
    if (sha256 === v.cksum) {
      ticket.counts.ok++;
      this.#o.metrics?.object('ok');
      return;
    }
    const finding = this.#found(ticket, 'corrupt', v, trusted ? { sha256 } : { sha256, bytes });
    if (this.#o.repair) await this.repairObject(ticket, v, finding);
  }

  /** Counts and names a finding, and logs it. */
  #found(
    ticket: CrateTicket,
    kind: VerifyFinding['class'],
    v: Version,
    details: Partial<VerifyFinding>,
  ): VerifyFinding {
    const finding: VerifyFinding = {
      class: kind,
      name: v.name,
      version: v.version,
      key: crateKey(v),
      ...details,
    };
    ticket.counts[kind]++;
    ticket.findings.push(finding);
    this.#o.metrics?.object(kind as VerifyResult);
    const what =
      kind === 'corrupt'
        ? `corrupt (${details.bytes ?? '?'} bytes, sha256 ${details.sha256}; the index says ${v.cksum})`
        : kind === 'unreadable'
          ? `unreadable: ${details.reason}`
          : 'missing';
    this.#log('warn', `${id(v)}: ${what}`, { crate: v.name, version: v.version, class: kind });
    return finding;
  }

  /**
   * Mends one object: keep a corrupt copy in quarantine, download through the verified put
   * (replacing the key only with verified bytes), read it back. A failure leaves the object as it
   * was and puts the version on the sync's retry list.
   */
  async repairObject(ticket: CrateTicket, v: Version, finding: VerifyFinding): Promise<void> {
    const repair = this.#o.repair;
    if (!repair) return;
    const { store } = this.#o;
    const signal = this.#abort.signal;
    const corrupt = finding.class === 'corrupt';
    repair.lock.assertHeld();
    try {
      if (corrupt) finding.quarantine = await this.#quarantine(v);
      const url = downloadUrl({ dl: this.#dl }, { name: v.name, vers: v.version, cksum: v.cksum });
      await repair.downloader.download(url, v, store, signal, { replace: corrupt });
      const back = await storedDigest(store, v, {
        signal,
        ...(this.#o.readIdleMs !== undefined ? { idleMs: this.#o.readIdleMs } : {}),
      });
      if (back.sha256 !== v.cksum)
        throw new MirrorError(
          'VERIFY_READBACK_MISMATCH',
          id(v),
          `${id(v)}: read back after the repair, the stored copy (${back.bytes} bytes) has sha256 ${back.sha256 ?? 'none'}, not ${v.cksum}`,
        );
      finding.repair = 'repaired';
      ticket.counts.repaired++;
      this.#o.metrics?.repair('repaired');
      this.#log('info', `${id(v)}: repaired`, {
        crate: v.name,
        version: v.version,
        ...(finding.quarantine ? { quarantine: finding.quarantine } : {}),
      });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      const failure = classifyFailure(
        error instanceof DownloadFailedError ? error.lastError : error,
      );
      const now = new Date().toISOString();
      finding.repair = 'failed';
      finding.reason = failure.message.slice(0, 300);
      ticket.counts.repair_failed++;
      this.#o.metrics?.repair('failed');
      this.#failed.push({
        ...v,
        ...(corrupt ? { damaged: true as const } : {}),
        code: failure.code,
        reason: failure.message.slice(0, 500),
        attempts: error instanceof DownloadFailedError ? error.attempts : 1,
        firstFailedAt: now,
        lastFailedAt: now,
      });
      this.#log(
        'error',
        `${id(v)}: repair failed (left as it was, on the retry list): ${failure.message}`,
        {
          crate: v.name,
          version: v.version,
          code: failure.code,
        },
      );
    }
  }

  /** Keeps the stored copy of `v` under `_lcs/quarantine/`; returns its key. */
  async #quarantine(v: Version): Promise<string> {
    const { store } = this.#o;
    const key = quarantineKey(this.#stamp, v);
    if (store.copyToState) {
      await store.copyToState(v, key);
      return key;
    }
    const body = await store.get(v);
    const chunks: Uint8Array[] = [];
    if (body) for await (const chunk of body) chunks.push(chunk);
    await store.writeObject(key, Buffer.concat(chunks));
    return key;
  }

  /** Saves the cursor and the failed repairs (fenced by the locks). */
  async checkpoint(): Promise<void> {
    this.#lastCheckpoint = performance.now();
    this.#o.lock.assertHeld();
    await this.#saveFailures();
    await this.#o.state.saveCursor(
      { ...this.#cursor, counts: { ...this.#done }, first: this.#first },
      this.#o.lock,
    );
  }

  async #saveFailures(): Promise<void> {
    const repair = this.#o.repair;
    if (!repair || this.#failed.length === 0) return;
    await repair.retry.addFailures(this.#failed.splice(0), repair.lock);
  }

  /** Stops the hashing threads. */
  async close(): Promise<void> {
    await this.#pool?.close();
  }

  /** Waits for the reads and repairs in flight. */
  async drain(): Promise<void> {
    while (this.#inflight.size > 0) await Promise.race(this.#inflight);
  }

  /** The unexpected keys, the record, the metrics and the summary. */
  async finish(): Promise<VerifySummary> {
    const { lock, state, metrics } = this.#o;
    if (this.#abort.signal.aborted) throw this.#abort.signal.reason;
    lock.assertHeld();
    if (this.#complete) {
      const ticket: CrateTicket = { path: '', pending: 0, counts: zeroCounts(), findings: [] };
      for (let i = 0; i < this.#indexed.length; i++) {
        if (this.#indexed[i] === 1) continue;
        const key = this.#stored.keyAt(i);
        const at = key.lastIndexOf('@');
        const v = { name: key.slice(0, at), version: key.slice(at + 1), cksum: '' };
        if (ticket.findings.length < this.#firstN) this.#found(ticket, 'unexpected', v, {});
        else {
          ticket.counts.unexpected++;
          metrics?.object('unexpected');
        }
      }
      addCounts(this.#done, ticket.counts);
      this.#first.push(...ticket.findings);
    }
    await this.#saveFailures();
    const finishedAt = new Date();
    const counts = { ...this.#done };
    const unrepaired = counts.missing + counts.corrupt + counts.unreadable - counts.repaired;
    if (this.#complete) {
      await state.finish(
        {
          startedAt: this.#cursor.startedAt,
          finishedAt: finishedAt.toISOString(),
          indexCommit: this.#o.source.commit?.oid ?? null,
          sample: this.#sample,
          trustStoredChecksum: this.#cursor.trustStoredChecksum,
          repair: this.#o.repair !== undefined,
          counts,
          first: this.#first,
        },
        lock,
      );
      metrics?.completed(
        {
          ok: counts.ok,
          missing: counts.missing,
          corrupt: counts.corrupt,
          unreadable: counts.unreadable,
          unexpected: counts.unexpected,
        },
        unrepaired,
        this.#sample >= 1 ? 'full' : 'sample',
        finishedAt,
      );
    } else await this.checkpoint();
    const status: VerifyStatus = !this.#complete
      ? 'interrupted'
      : unrepaired > 0 || counts.unexpected > 0
        ? 'problems'
        : 'clean';
    const duration = (performance.now() - this.#started) / 1000;
    metrics?.finished(
      status === 'clean' ? 'success' : status === 'problems' ? 'partial' : 'failure',
      duration,
    );
    const first = { missing: [], corrupt: [], unreadable: [], unexpected: [] } as Record<
      VerifyFinding['class'],
      VerifyFinding[]
    >;
    for (const f of this.#first) if (first[f.class].length < this.#firstN) first[f.class].push(f);
    return {
      status,
      complete: this.#complete,
      shard: this.#o.shard ? formatShard(this.#o.shard) : null,
      index_commit: this.#o.source.commit?.oid ?? null,
      sample: this.#sample,
      trusted_stored_checksum: this.#cursor.trustStoredChecksum,
      repair: this.#o.repair !== undefined,
      resumed: this.#resumed,
      started_at: this.#cursor.startedAt,
      ...counts,
      first,
      duration_s: Math.round(duration * 1000) / 1000,
    };
  }

  /** A progress event, at most every 200 ms. */
  #progress(): void {
    const now = performance.now();
    if (now - this.#lastProgress < 200) return;
    this.#lastProgress = now;
    const seconds = (now - this.#started) / 1000;
    const bytes = this.#cursor.counts.bytes + this.#liveBytes;
    const rate = seconds > 0 ? this.#liveBytes / seconds : 0;
    const total = Math.max(this.#bytesTotal, bytes);
    this.#emit({
      type: 'progress',
      checked: this.#cursor.counts.checked + this.#liveChecked,
      bytes,
      bytesTotal: total,
      percent: total > 0 ? Math.min(100, (100 * bytes) / total) : 100,
      bytesPerSecond: Math.round(rate),
      etaSeconds: rate > 0 ? Math.round((total - bytes) / rate) : null,
    });
  }

  #log(level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void {
    this.#emit({ type: 'log', level, message, ...(fields ? { fields } : {}) });
  }
}
