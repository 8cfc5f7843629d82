import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryIndexSource } from './directory-index-source.js';
import {
  IndexSourceError,
  IndexSourceInvalidError,
  InvalidCrateNameError,
  UnknownRevisionError,
} from '../errors.js';
import { GitIndexSource, type GitBackend } from '../git/git-index-source.js';
import { indexStats } from '../changes/index-stats.js';
import {
  isScannable,
  readCrate,
  readIndexConfig,
  scanIndex,
  type ScannableIndexSource,
} from './index-source.js';
import { openIndex } from './open-index.js';
import {
  FIXTURE_INDEX,
  fixtureRepo,
  git,
  tempDir,
  writeFiles,
} from '../test-support/git-fixture.js';

/** Independent of the library: every file below the root except config.json, every non-empty line. */
function countByHand(root: string): { files: number; lines: number; paths: string[] } {
  const paths: string[] = [];
  const walk = (dir: string, prefix: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.')) continue;
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full, `${prefix}${name}/`);
      else if (prefix !== '') paths.push(prefix + name);
    }
  };
  walk(root, '');
  const lines = paths
    .flatMap((p) => readFileSync(join(root, p), 'utf8').split('\n'))
    .filter((l) => l.trim() !== '' && !l.includes('"v":3')).length;
  return { files: paths.length, lines, paths };
}

async function collect(source: ScannableIndexSource) {
  const paths: string[] = [];
  let versions = 0;
  let yanked = 0;
  let unsupported = 0;
  let errors = 0;
  for await (const file of scanIndex(source)) {
    paths.push(file.path);
    versions += file.entries.length;
    yanked += file.entries.filter((e) => e.yanked).length;
    unsupported += file.unsupported;
    errors += file.errors.length;
  }
  return { paths, versions, yanked, unsupported, errors };
}

const expected = countByHand(FIXTURE_INDEX);
let tmp: ReturnType<typeof tempDir>;
let repo: string;

beforeAll(() => {
  tmp = tempDir();
  repo = fixtureRepo(tmp.path);
});
afterAll(() => tmp.cleanup());

const sources: [string, () => Promise<ScannableIndexSource>][] = [
  ['directory', () => DirectoryIndexSource.open(FIXTURE_INDEX)],
  ...(['git', 'isomorphic-git'] as GitBackend[]).map(
    (backend) =>
      [`git (${backend})`, () => GitIndexSource.open(repo, { backend })] as [
        string,
        () => Promise<ScannableIndexSource>,
      ],
  ),
];

describe.each(sources)('%s source on the fixture index', (_label, open) => {
  it('scans every crate file in path order and counts what an independent count finds', async () => {
    const source = await open();
    try {
      const result = await collect(source);
      expect(result.paths).toEqual(expected.paths);
      expect(result.versions).toBe(expected.lines);
      expect(result.unsupported).toBe(1);
      expect(result.errors).toBe(0);
      expect(result.yanked).toBeGreaterThan(0);
    } finally {
      await source.close();
    }
  });

  it('says which commit it reads: a git source its HEAD, a directory none', async () => {
    const source = await open();
    try {
      if (source instanceof GitIndexSource) expect(source.commit?.oid).toMatch(/^[0-9a-f]{40}$/);
      else expect(source.commit).toBeUndefined();
    } finally {
      await source.close();
    }
  });

  it('reads only the crate files a filter passes, in path order', async () => {
    const source = await open();
    const seen: string[] = [];
    try {
      const keep = (path: string) => {
        seen.push(path);
        return path.includes('a');
      };
      const paths: string[] = [];
      for await (const file of scanIndex(source, { filter: keep })) paths.push(file.path);
      expect(paths).toEqual(expected.paths.filter((p) => p.includes('a')));
      expect(paths.length).toBeGreaterThan(0);
      expect(paths.length).toBeLessThan(expected.paths.length);
      // Every crate file was offered to the filter, nothing else (config.json is not a crate file).
      expect(seen).toEqual(expected.paths);
    } finally {
      await source.close();
    }
  });

  it('reads one crate by name, keeping the name case in its lines', async () => {
    const source = await open();
    try {
      const file = await readCrate(source, 'INFLECTOR');
      expect(file?.path).toBe('in/fl/inflector');
      expect(file?.entries.map((e) => e.name)).toEqual(['Inflector']);
      expect(await readCrate(source, 'no-such-crate')).toBeUndefined();
      await expect(readCrate(source, '../../etc/passwd')).rejects.toBeInstanceOf(
        InvalidCrateNameError,
      );
      expect((await readIndexConfig(source))?.dl).toBe('https://crates.io/api/v1/crates');
    } finally {
      await source.close();
    }
  });
});

describe('git source', () => {
  it('reads the committed state, not the work tree, and any older revision', async () => {
    const work = tempDir();
    try {
      const r = fixtureRepo(work.path);
      const first = git(r, 'rev-parse', 'HEAD');
      writeFiles(r, { '1/a': 'uncommitted garbage\n' });
      let source = await GitIndexSource.open(r);
      expect((await readCrate(source, 'a'))?.errors).toEqual([]);
      await source.close();
      git(r, 'commit', '-qam', 'break a');
      source = await GitIndexSource.open(r);
      expect((await readCrate(source, 'a'))?.errors).toHaveLength(1);
      expect(source.commit.oid).not.toBe(first);
      await source.close();
      source = await GitIndexSource.open(r, { rev: first.slice(0, 12) });
      expect(source.commit.oid).toBe(first);
      expect((await readCrate(source, 'a'))?.errors).toEqual([]);
      await source.close();
    } finally {
      work.cleanup();
    }
  });

  it.each(['git', 'isomorphic-git'] as GitBackend[])(
    'refuses an unknown revision with a typed error (%s)',
    async (backend) => {
      const error = await GitIndexSource.open(repo, { rev: 'no-such-branch', backend }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(UnknownRevisionError);
      expect((error as UnknownRevisionError).code).toBe('INDEX_REVISION_UNKNOWN');
      expect((error as UnknownRevisionError).input).toBe('no-such-branch');
    },
  );

  it('reports a malformed line by file and line and still scans the other crates', async () => {
    const work = tempDir();
    try {
      const r = fixtureRepo(work.path);
      writeFiles(r, {
        'in/fl/inflector': `${readFileSync(join(FIXTURE_INDEX, 'in/fl/inflector'), 'utf8')}{"name":\n`,
      });
      git(r, 'commit', '-qam', 'corrupt');
      const source = await GitIndexSource.open(r);
      const files = [];
      for await (const file of scanIndex(source)) files.push(file);
      await source.close();
      expect(files).toHaveLength(expected.files);
      const broken = files.filter((f) => f.errors.length > 0);
      expect(broken.map((f) => [f.path, f.errors[0]?.line, f.entries.length])).toEqual([
        ['in/fl/inflector', 2, 1],
      ]);
    } finally {
      work.cleanup();
    }
  });
});

describe('openIndex', () => {
  it('opens a path as git when it is a repository, as a directory otherwise', async () => {
    const a = await openIndex(repo);
    const b = await openIndex(FIXTURE_INDEX);
    const c = await openIndex(`file://${repo}`, { asDirectory: true });
    expect(a).toBeInstanceOf(GitIndexSource);
    expect(b).toBeInstanceOf(DirectoryIndexSource);
    expect(c).toBeInstanceOf(DirectoryIndexSource);
    expect([a, b, c].every(isScannable)).toBe(true);
    await Promise.all([a.close(), b.close(), c.close()]);
  });

  it.each([
    ['/definitely/not/here', 'not a directory'],
    ['ftp://example.com/index', 'unsupported scheme'],
    ['https://example.com/index', 'needs a cache directory'],
    ['sparse+ftp://example.com/', 'sparse+https://'],
    ['', 'a non-empty string'],
    [undefined, 'a non-empty string'],
  ])('refuses %j naming it', async (spec, reason) => {
    const error = await openIndex(spec as string).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IndexSourceInvalidError);
    expect((error as IndexSourceInvalidError).code).toBe('INDEX_SOURCE_INVALID');
    expect((error as IndexSourceInvalidError).input).toBe(String(spec));
    expect((error as Error).message).toContain(reason);
  });

  it('keeps directory reads inside the index', async () => {
    const source = await DirectoryIndexSource.open(FIXTURE_INDEX);
    await expect(source.readFile('../../package.json')).rejects.toBeInstanceOf(IndexSourceError);
  });
});

describe('indexStats', () => {
  it('counts the fixture like the independent count and reports progress', async () => {
    const source = await DirectoryIndexSource.open(FIXTURE_INDEX);
    const seen: number[] = [];
    const stats = await indexStats(source, { onProgress: (s) => seen.push(s.crates) });
    expect(stats).toMatchObject({
      crates: expected.files,
      versions: expected.lines,
      unsupported: 1,
      lineErrors: 0,
      errors: [],
    });
    expect(seen).toEqual(Array.from({ length: expected.files }, (_, i) => i + 1));
  });
});

describe('scan order', () => {
  it('is the code-unit order of whole paths for a directory and a git tree alike', async () => {
    const work = tempDir();
    try {
      const line = (name: string) =>
        `${JSON.stringify({ name, vers: '1.0.0', deps: [], cksum: 'a'.repeat(64), features: {}, yanked: false })}\n`;
      // A resumed scrub skips every path up to its cursor, so both sources must agree on this
      // order: '-' sorts below '/' and the letters, `_` above the digits.
      const names = ['abc', 'a_b', 'ab', 'a-bc', 'abcd', 'ab-c', 'ab_c', 'ab1c', 'b', 'zz-top'];
      const files: Record<string, string> = { 'config.json': '{"dl":"https://x/"}' };
      for (const name of names) files[indexPathOf(name)] = line(name);
      writeFiles(work.path, files);
      git(work.path, 'init', '-q');
      git(work.path, 'add', '-A');
      git(work.path, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'order');
      const expectedOrder = names.map(indexPathOf).sort();
      for (const source of [
        await DirectoryIndexSource.open(work.path),
        await GitIndexSource.open(work.path),
      ]) {
        const paths: string[] = [];
        for await (const file of scanIndex(source)) paths.push(file.path);
        await source.close();
        expect(paths).toEqual(expectedOrder);
      }
    } finally {
      work.cleanup();
    }
  });
});

/** Where cargo puts a crate's file (written out here so the test does not use the code it checks). */
function indexPathOf(name: string): string {
  if (name.length <= 2) return `${name.length}/${name}`;
  if (name.length === 3) return `3/${name[0]}/${name}`;
  return `${name.slice(0, 2)}/${name.slice(2, 4)}/${name}`;
}
