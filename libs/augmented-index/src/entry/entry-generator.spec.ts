/**
 * Generating a line's fields: only the fields asked for change, a throwing field is recorded and
 * leaves the others, an unreadable crate is recorded once with the index fields still written,
 * index fields never read the store, and every crate field shares one read.
 */
import { createHash } from 'node:crypto';
import type { IndexEntry } from '@lcs/index-reader';
import { CrateArchiveError } from '@lcs/cargo-manifest';
import { describe, expect, it } from 'vitest';
import { defineField, type CrateFacts } from '../fields/field.js';
import { FieldSet } from '../fields/field-set.js';
import { formatEntry, parseEntry, type AugmentedEntry } from './augmented-entry.js';
import {
  generateEntry,
  type CrateParser,
  type CrateSource,
  type Generated,
} from './entry-generator.js';

const BYTES = Buffer.from('a crate');
const CKSUM = createHash('sha256').update(BYTES).digest('hex');
const index = {
  name: 'demo',
  vers: '1.0.0',
  cksum: CKSUM,
  deps: [],
  features: {},
  yanked: true,
} as unknown as IndexEntry;

/** A store holding one crate, counting its reads. */
function store(holds = true): CrateSource & { reads: number } {
  const source = {
    reads: 0,
    get: async (): Promise<AsyncIterable<Uint8Array> | undefined> => {
      source.reads++;
      if (!holds) return undefined;
      return (async function* () {
        yield new Uint8Array(BYTES);
      })();
    },
  };
  return source;
}

const facts: CrateFacts = {
  manifest: {
    package: {
      name: 'demo',
      version: '1.0.0',
      edition: '2021',
    } as CrateFacts['manifest']['package'],
    dependencies: [],
  },
  targets: { bins: [] } as unknown as CrateFacts['targets'],
  archive: { hasCargoLock: false, hasCargoTomlOrig: false },
  buildScript: undefined,
  raw: { package: { name: 'demo', version: '1.0.0', description: 'a demo' } },
  files: ['Cargo.toml', 'src/lib.rs', 'tests/it.rs'],
  originalText: undefined,
};
const parse: CrateParser = async () => facts;

/** The line a result holds (a test failure when it holds none). */
function lineOf(result: Generated): AugmentedEntry {
  expect(result.entry).toBeDefined();
  return result.entry as AugmentedEntry;
}

const yanked = defineField({
  name: 'was_yanked',
  version: 1,
  source: 'index',
  generate: ({ index }) => index['yanked'] === true,
});
const tests = defineField({
  name: 'test_files',
  version: 1,
  source: 'crate',
  generate: ({ files, manifest }) => ({
    tests: files.filter((f) => f.startsWith('tests/')),
    description: (manifest['package'] as { description?: string }).description,
  }),
});
const broken = defineField({
  name: 'broken',
  version: 3,
  source: 'crate',
  generate: () => {
    throw Object.assign(new Error('no luck'), { code: 'TEAM_BROKEN' });
  },
});
const set = new FieldSet([{ module: 'team.mjs', fields: [yanked, tests, broken] }]);

describe('generateEntry', () => {
  it('writes every field of a fresh line from one read of the crate; a throwing field is recorded', async () => {
    const crates = store();
    const result = await generateEntry(
      crates,
      { index, fresh: true, fields: set.fields },
      set,
      parse,
    );
    expect(crates.reads).toBe(1);
    expect(result.kind).toBe('written');
    const entry = result.kind === 'written' ? result.entry : undefined;
    expect(entry).toMatchObject({
      schema: 2,
      edition: '2021',
      was_yanked: true,
      test_files: { tests: ['tests/it.rs'], description: 'a demo' },
      fields: { ...set.versions },
      field_errors: { broken: { code: 'TEAM_BROKEN', message: 'no luck' } },
    });
    expect(entry).not.toHaveProperty('broken');
    expect(parseEntry(formatEntry(lineOf(result)))).toBeDefined();
  });

  it('changes only the fields asked for, byte for byte elsewhere, and reads no crate for index fields', async () => {
    const first = await generateEntry(
      store(),
      { index, fresh: true, fields: set.fields },
      set,
      parse,
    );
    const line = formatEntry(lineOf(first));
    const previous = JSON.parse(line) as Record<string, unknown>;
    const raised = defineField({ ...yanked, version: 2, generate: () => 'raised' });
    const next = new FieldSet([{ module: 'team.mjs', fields: [raised, tests, broken] }]);
    const crates = store();
    const result = await generateEntry(
      crates,
      { index, previous, fresh: false, fields: [raised] },
      next,
      parse,
    );
    expect(crates.reads).toBe(0);
    const after = JSON.parse(formatEntry(lineOf(result))) as Record<string, unknown>;
    expect(after['was_yanked']).toBe('raised');
    expect((after['fields'] as Record<string, number>)['was_yanked']).toBe(2);
    // Everything else is as it was.
    const strip = (o: Record<string, unknown>) =>
      JSON.stringify(o, (key, value: unknown) =>
        key === 'was_yanked' || key === 'fields' ? undefined : value,
      );
    expect(strip(after)).toBe(strip(previous));
  });

  it('records an unreadable crate once, and still writes the index fields', async () => {
    const refuse: CrateParser = async () => {
      throw new CrateArchiveError('CRATE_GZIP_BOMB', 'demo-1.0.0', 'demo-1.0.0.crate', 'a bomb');
    };
    const result = await generateEntry(
      store(),
      { index, previous: { reviewed_by: 'ops' }, fresh: true, fields: set.fields },
      set,
      refuse,
    );
    expect(result.kind).toBe('failed');
    expect(result.entry).toMatchObject({
      error: { code: 'CRATE_GZIP_BOMB' },
      was_yanked: true,
      reviewed_by: 'ops',
      fields: { ...set.versions },
    });
    expect(result.entry).not.toHaveProperty('dev_deps');
    expect(result.entry).not.toHaveProperty('field_errors');
  });

  it('waits for a crate not in the store, writing what the index alone gives', async () => {
    const result = await generateEntry(
      store(false),
      { index, fresh: true, fields: set.fields },
      set,
      parse,
    );
    expect(result.kind).toBe('missing');
    expect(result.entry).toMatchObject({ was_yanked: true, fields: { was_yanked: 1 } });
    expect(result.entry?.fields).not.toHaveProperty('dev_deps');
    // With crate fields only there is nothing to write yet.
    const builtins = new FieldSet();
    const none = await generateEntry(
      store(false),
      { index, fresh: true, fields: builtins.fields },
      builtins,
      parse,
    );
    expect(none).toEqual({ kind: 'missing', entry: undefined });
  });

  it("refuses a value that is not JSON or too large as that field's error", async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    const odd = new FieldSet([
      {
        module: 'odd.mjs',
        fields: [
          defineField({ name: 'cyclic', version: 1, source: 'index', generate: () => cyclic }),
          defineField({
            name: 'huge',
            version: 1,
            source: 'index',
            generate: () => 'x'.repeat(300_000),
          }),
          defineField({ name: 'later', version: 1, source: 'index', generate: async () => [1, 2] }),
        ],
      },
    ]);
    const result = await generateEntry(
      store(),
      { index, fresh: true, fields: odd.fields.filter((f) => f.source === 'index') },
      odd,
      parse,
    );
    expect(result.entry).toMatchObject({
      later: [1, 2],
      field_errors: {
        cyclic: { code: 'FIELD_VALUE_INVALID' },
        huge: { code: 'FIELD_VALUE_TOO_LARGE' },
      },
    });
  });
});
