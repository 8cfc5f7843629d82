/**
 * Drift between the committed augmented index and what this generator makes of the same crates.
 * Each sampled line is generated again from its crate in the store (the same `generateEntry` a
 * backfill runs, keeping the line's own other fields), and the two are compared field by field.
 * Drift is a generator change that never reached the index (a fix without a schema rise), or a line
 * edited by hand. Nothing is written.
 *
 * Cost at crates.io's size (2 M lines in 200,000 files): every file of the commit is read once,
 * through a window of `concurrency`; only sampled lines read their crate. Memory holds the window,
 * the counts, and the first `examples` of each finding.
 */
import { randomBytes } from 'node:crypto';
import { indexPath } from '@lcs/index-reader';
import { inSeededSample, mapOrdered } from '@lcs/internal';
import { ENTRY_KEYS, parseEntry, type AugmentedEntry } from '../entry/augmented-entry.js';
import { generateEntry, type CrateParser, type CrateSource } from '../entry/entry-generator.js';
import { FieldSet } from '../fields/field-set.js';
import { AugmentedIndexError } from '../errors.js';

/** What a drift check reads the committed lines from ({@link AugmentedSnapshot} is one). */
export interface AugmentedLines {
  crateFiles(): AsyncIterable<string>;
  read(path: string): Promise<string | undefined>;
}

/** Options of {@link checkDrift}. */
export interface DriftCheckOptions {
  readonly lines: AugmentedLines;
  readonly crates: CrateSource;
  /**
   * Fraction of the lines regenerated (0 < f <= 1, default 1), chosen by a seeded sha256 of each
   * `name@vers`: the same seed picks the same versions.
   */
  readonly sample?: number;
  /** Seed of the sample (default random; the report names it, so a check can be repeated). */
  readonly seed?: string;
  /** Crate files read in parallel (default 8). */
  readonly concurrency?: number;
  /** Parses a crate (default: in this thread). */
  readonly parse?: CrateParser;
  /**
   * The fields to regenerate (default: the built-in fields). Only crate fields are checked: the
   * committed line stands in for the index line, which the check does not read.
   */
  readonly fields?: FieldSet;
  /** Findings named per class (default 20); the rest are counted. */
  readonly examples?: number;
  /** Stop taking files; the report covers what was checked. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: DriftProgress) => void;
}

/** Progress of a drift check. */
export interface DriftProgress {
  readonly files: number;
  readonly lines: number;
  readonly checked: number;
  readonly drifted: number;
}

/** One drifted field of one version, values as JSON (cut at 300 characters). */
export interface DriftExample {
  /** `name@vers`. */
  readonly version: string;
  /** The committed value; `undefined` when the line lacks the field. */
  readonly committed: string | undefined;
  /** The regenerated value; `undefined` when generation leaves the field out. */
  readonly regenerated: string | undefined;
}

/** A counted finding and the first ones by name. */
export interface Finding<T> {
  count: number;
  readonly first: T[];
}

/** What a drift check found; `ais-backfiller verify --json` prints it. */
export interface DriftReport {
  readonly sample: number;
  readonly seed: string;
  /** Crate files read. */
  files: number;
  /** Lines in them. */
  lines: number;
  /** Sampled lines regenerated and compared. */
  checked: number;
  /** Of those, lines equal to their regeneration. */
  matching: number;
  /** Of those, lines with at least one drifted field. */
  drifted: number;
  /** Per field (generated fields first, in line order): versions whose value drifted. */
  readonly fields: Record<string, Finding<DriftExample>>;
  /** Sampled lines that could not be compared: no crate in the store, or not the bytes of the line's `cksum`. */
  readonly unchecked: { readonly missing: Finding<string>; readonly stale: Finding<string> };
  /** Lines that are not a valid entry (`path:line`): a backfill would regenerate them. */
  readonly invalid: Finding<string>;
  interrupted: boolean;
  duration_s: number;
}

const VALUE_CHARS = 300;

const BUILTIN = new FieldSet();

/** Regenerates sampled lines of an augmented index from their crates and reports drift per field. */
export async function checkDrift(options: DriftCheckOptions): Promise<DriftReport> {
  return new DriftCheck(options).run();
}

/** One drift check's state; its steps are `run`, `checkFile`, `checkLine` and `compare`. */
class DriftCheck {
  readonly #o: DriftCheckOptions;
  readonly #report: DriftReport;
  readonly #fields = new Map<string, Finding<DriftExample>>();
  readonly #examples: number;
  readonly #started = performance.now();

  constructor(options: DriftCheckOptions) {
    const sample = options.sample ?? 1;
    if (!(sample > 0 && sample <= 1))
      throw new AugmentedIndexError(
        'AUGMENTED_OPTIONS_INVALID',
        String(sample),
        `sample ${sample} is not a fraction in (0, 1]`,
      );
    this.#o = options;
    this.#examples = options.examples ?? 20;
    this.#report = {
      sample,
      seed: options.seed ?? randomBytes(16).toString('hex'),
      files: 0,
      lines: 0,
      checked: 0,
      matching: 0,
      drifted: 0,
      fields: {},
      unchecked: { missing: { count: 0, first: [] }, stale: { count: 0, first: [] } },
      invalid: { count: 0, first: [] },
      interrupted: false,
      duration_s: 0,
    };
  }

  async run(): Promise<DriftReport> {
    const { signal } = this.#o;
    const work = mapOrdered(this.#o.lines.crateFiles(), this.#o.concurrency ?? 8, (path) =>
      signal?.aborted ? Promise.resolve(false) : this.checkFile(path).then(() => true),
    );
    for await (const checked of work) {
      if (checked) this.#report.files++;
      if (signal?.aborted) break;
      if (this.#report.files % 500 === 0) this.#progress();
    }
    const report = this.#report;
    report.interrupted = signal?.aborted ?? false;
    // Generated fields first, in the order a line writes them; fields other teams add follow.
    const order = [...this.#fields.keys()].sort(
      (a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0),
    );
    for (const key of order) report.fields[key] = this.#fields.get(key) as Finding<DriftExample>;
    report.duration_s = Number(((performance.now() - this.#started) / 1000).toFixed(3));
    return report;
  }

  /** Reads one crate file and checks its sampled lines, one after another. */
  async checkFile(path: string): Promise<void> {
    const text = (await this.#o.lines.read(path)) ?? '';
    let number = 0;
    for (const line of text.split('\n')) {
      number++;
      if (line === '') continue;
      this.#report.lines++;
      await this.checkLine(path, number, line);
    }
  }

  /** Regenerates one line when it is sampled, and compares. */
  async checkLine(path: string, number: number, line: string): Promise<void> {
    const committed = parseEntry(line);
    // A line that is not an entry, or that names a crate this file does not hold (a hand edit, a
    // hostile name): invalid, and never used to address the store.
    if (!committed || !belongsTo(committed.name, path)) {
      note(this.#report.invalid, `${path}:${number}`, this.#examples);
      return;
    }
    const version = `${committed.name}@${committed.vers}`;
    if (!inSeededSample(this.#report.seed, this.#report.sample, version)) return;
    let result: Awaited<ReturnType<typeof generateEntry>>;
    try {
      const set = this.#o.fields ?? BUILTIN;
      result = await generateEntry(
        this.#o.crates,
        {
          index: committed,
          previous: committed,
          fresh: false,
          fields: set.crateFields,
        },
        set,
        ...(this.#o.parse ? [this.#o.parse] : []),
      );
    } catch (error) {
      // The store refuses to address the version (a version no crate key can hold, such as
      // `../x`): the line is invalid. Any other failure (the store is down) ends the check.
      if ((error as { kind?: unknown } | null)?.kind !== 'bad-input') throw error;
      note(this.#report.invalid, `${path}:${number}`, this.#examples);
      return;
    }
    if (result.kind === 'missing' || result.kind === 'stale') {
      note(this.#report.unchecked[result.kind], version, this.#examples);
      return;
    }
    this.#report.checked++;
    if (this.compare(version, committed, result.entry)) this.#report.drifted++;
    else this.#report.matching++;
  }

  /** Counts each field whose value differs; `true` when any does. */
  compare(version: string, committed: AugmentedEntry, regenerated: AugmentedEntry): boolean {
    let drifted = false;
    const keys = new Set([...Object.keys(committed), ...Object.keys(regenerated)]);
    for (const key of keys) {
      // Bookkeeping, not values: a schema-1 line holds the same fields without saying so.
      if (key === 'schema' || key === 'fields') continue;
      // Compared with sorted keys: an object's key order never counts as drift.
      const before = stable(committed[key]);
      const after = stable(regenerated[key]);
      if (before === after) continue;
      drifted = true;
      let finding = this.#fields.get(key);
      if (!finding) this.#fields.set(key, (finding = { count: 0, first: [] }));
      note(finding, { version, committed: cut(before), regenerated: cut(after) }, this.#examples);
    }
    return drifted;
  }

  #progress(): void {
    const { files, lines, checked, drifted } = this.#report;
    this.#o.onProgress?.({ files, lines, checked, drifted });
  }
}

function note<T>(finding: Finding<T>, item: T, examples: number): void {
  finding.count++;
  if (finding.first.length < examples) finding.first.push(item);
}

/** JSON with every object's keys sorted; `undefined` for an absent field. */
function stable(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
            a < b ? -1 : a > b ? 1 : 0,
          ),
        )
      : v,
  );
}

function cut(text: string | undefined): string | undefined {
  return text !== undefined && text.length > VALUE_CHARS
    ? `${text.slice(0, VALUE_CHARS - 3)}...`
    : text;
}

/** Whether crate `name` is one the index file at `path` holds (its name is valid, its path this one). */
function belongsTo(name: string, path: string): boolean {
  try {
    return indexPath(name) === path;
  } catch {
    return false;
  }
}

function rank(key: string): number {
  const i = ENTRY_KEYS.indexOf(key);
  return i < 0 ? ENTRY_KEYS.length : i;
}
