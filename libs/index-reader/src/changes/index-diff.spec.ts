import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffVersions } from './index-changes.js';
import { diffIndex, type IndexFileDiff } from './index-diff.js';
import type { IndexEntry } from '../entry/index-entry.js';
import { GitIndexSource, type GitBackend } from '../git/git-index-source.js';
import { fixtureRepo, git, tempDir, writeFiles } from '../test-support/git-fixture.js';

const sum = (c: string) => c.repeat(64);
const entry = (vers: string, cksum: string, yanked = false): IndexEntry => ({
  name: 'demo',
  vers,
  deps: [],
  cksum: sum(cksum),
  features: {},
  yanked,
});
const line = (e: IndexEntry) => JSON.stringify(e);

describe('diffVersions', () => {
  it('classifies additions, yanks, unyanks and deletions, matching by checksum', () => {
    const before = [
      entry('1.0.0', 'a'),
      entry('1.1.0', 'b'),
      entry('1.2.0', 'c', true),
      entry('1.3.0', 'd'),
    ];
    const after = [
      entry('1.0.0', 'a'),
      entry('1.1.0', 'b', true),
      entry('1.2.0', 'c'),
      entry('1.3.0', 'e'),
      entry('2.0.0', 'f'),
      entry('2.1.0', '0', true),
    ];
    expect(diffVersions(before, after).map((c) => `${c.kind} ${c.vers} ${c.cksum[0]}`)).toEqual([
      'VersionDeleted 1.3.0 d',
      'Yanked 1.1.0 b',
      'Unyanked 1.2.0 c',
      'Added 1.3.0 e',
      'Added 2.0.0 f',
      'AddedAndYanked 2.1.0 0',
    ]);
  });

  it('reports nothing for identical lists', () => {
    const list = [entry('1.0.0', 'a'), entry('1.1.0', 'b', true)];
    expect(diffVersions(list, list)).toEqual([]);
  });
});

const summarize = (diffs: IndexFileDiff[]) =>
  diffs.flatMap((d) =>
    d.changes.map((c) =>
      c.kind === 'CrateDeleted'
        ? `${d.path} CrateDeleted ${c.name} (${c.versions.length})`
        : `${d.path} ${c.kind} ${c.name} ${c.vers}`,
    ),
  );

describe.each(['git', 'isomorphic-git'] as GitBackend[])('diffIndex (%s)', (backend) => {
  let tmp: ReturnType<typeof tempDir>;
  let repo: string;
  let from: string;
  let to: string;

  beforeAll(() => {
    tmp = tempDir();
    repo = fixtureRepo(tmp.path);
    from = git(repo, 'rev-parse', 'HEAD');
    const read = (p: string) => readFileSync(join(repo, p), 'utf8');
    const abc = JSON.parse(read('3/a/abc').trim()) as IndexEntry;
    writeFiles(repo, {
      // new crate, with one yanked version
      'ne/wc/newcrate':
        [
          line({ ...entry('0.1.0', '1'), name: 'newcrate' }),
          line({ ...entry('0.2.0', '2', true), name: 'newcrate' }),
        ].join('\n') + '\n',
      // unyank abc, then publish a new version
      '3/a/abc': `${line({ ...abc, yanked: false })}\n${line({ ...abc, vers: '0.0.2', cksum: sum('3'), yanked: false })}\n`,
      // re-publish a (same version, other bytes)
      '1/a': `${line({ ...(JSON.parse(read('1/a').trim()) as IndexEntry), cksum: sum('4') })}\n`,
      // a malformed line appended to an otherwise unchanged file
      '2/ab': `${read('2/ab')}{"name":"ab",\n`,
      // files that are not crate files are ignored
      'README.md': 'hello\n',
      '.github/workflows/ci.yml': 'x\n',
    });
    rmSync(join(repo, 'in/fl/inflector'));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'changes');
    to = git(repo, 'rev-parse', 'HEAD');
  });
  afterAll(() => tmp.cleanup());

  it('reports every kind of change between two commits, in path order', async () => {
    const source = await GitIndexSource.open(repo, { backend });
    const diffs: IndexFileDiff[] = [];
    for await (const d of diffIndex(source.store, from, to)) diffs.push(d);
    await source.close();
    expect(summarize(diffs)).toEqual([
      '1/a VersionDeleted a 0.1.0',
      '1/a Added a 0.1.0',
      '3/a/abc Unyanked abc 0.0.1',
      '3/a/abc Added abc 0.0.2',
      'in/fl/inflector CrateDeleted Inflector (1)',
      'ne/wc/newcrate Added newcrate 0.1.0',
      'ne/wc/newcrate AddedAndYanked newcrate 0.2.0',
    ]);
    // Only changed lines are parsed; a new malformed line is reported with its line number.
    expect(
      diffs
        .filter((d) => d.errors.length > 0)
        .map((d) => [d.path, d.changes.length, d.errors.map((e) => e.line)]),
    ).toEqual([['2/ab', 0, [2]]]);
  });

  it('takes revisions as well as commit ids', async () => {
    const source = await GitIndexSource.open(repo, { backend });
    const byRev: IndexFileDiff[] = [];
    const [fromRev, toRev] = backend === 'git' ? ['HEAD~1', 'HEAD'] : [from, 'HEAD'];
    for await (const d of diffIndex(source.store, fromRev, toRev)) byRev.push(d);
    const byOid: IndexFileDiff[] = [];
    for await (const d of diffIndex(source.store, from, to)) byOid.push(d);
    // The source says which commit it reads, without a cast to GitIndexSource.
    const asSource: { readonly commit?: { oid: string } } = source;
    expect(asSource.commit?.oid).toBe(to);
    await source.close();
    expect(summarize(byRev)).toEqual(summarize(byOid));
    expect(byRev.length).toBeGreaterThan(0);
  });

  it('keeps only the crate files a filter passes', async () => {
    const source = await GitIndexSource.open(repo, { backend });
    const diffs: IndexFileDiff[] = [];
    const filter = (path: string) => path.startsWith('ne/') || path === '1/a';
    for await (const d of diffIndex(source.store, from, to, { filter })) diffs.push(d);
    await source.close();
    expect(summarize(diffs)).toEqual([
      '1/a VersionDeleted a 0.1.0',
      '1/a Added a 0.1.0',
      'ne/wc/newcrate Added newcrate 0.1.0',
      'ne/wc/newcrate AddedAndYanked newcrate 0.2.0',
    ]);
  });

  it('is empty between a commit and itself, and reverses cleanly', async () => {
    const source = await GitIndexSource.open(repo, { backend });
    const same: IndexFileDiff[] = [];
    for await (const d of diffIndex(source.store, to, to)) same.push(d);
    const back: IndexFileDiff[] = [];
    for await (const d of diffIndex(source.store, to, from)) back.push(d);
    await source.close();
    expect(same).toEqual([]);
    expect(summarize(back)).toEqual([
      '1/a VersionDeleted a 0.1.0',
      '1/a Added a 0.1.0',
      '3/a/abc VersionDeleted abc 0.0.2',
      '3/a/abc Yanked abc 0.0.1',
      'in/fl/inflector Added Inflector 0.11.4',
      'ne/wc/newcrate CrateDeleted newcrate (2)',
    ]);
  });

  it('diffs across a squash (no shared history), by tree', async () => {
    const squashed = git(repo, 'commit-tree', `${to}^{tree}`, '-m', 'squash');
    const source = await GitIndexSource.open(repo, { backend });
    const diffs: IndexFileDiff[] = [];
    for await (const d of diffIndex(source.store, from, squashed)) diffs.push(d);
    await source.close();
    expect(summarize(diffs)).toHaveLength(7);
  });
});
