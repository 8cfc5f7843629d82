/**
 * Snapshots of a registry whose index moved between two commits: each lists exactly its own
 * versions, the changes between them are exactly what moved, times resolve to the snapshot in
 * force, merged dev-dependencies are the augmented index's, and unmirrored versions say so.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crateKey, FileMetadataStore } from '@lcs/crate-store';
import { findGitDir, openObjectStore } from '@lcs/index-reader/git';
import { indexPath, parseIndexFile } from '@lcs/index-reader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnapshotError } from './errors.js';
import { SnapshotReader } from './snapshot-reader.js';
import { SnapshotHistory } from './history/snapshot-history.js';
import { movingRegistry, type MovingRegistry } from './test-support/moving-registry.js';

let fx: MovingRegistry;
let reader: SnapshotReader;
beforeAll(async () => {
  fx = await movingRegistry();
  reader = await fx.openReader();
}, 60_000);
afterAll(async () => {
  await reader?.close();
  await fx?.stop();
});

const show = (gitdir: string, rev: string, path: string) =>
  execFileSync('git', ['-C', gitdir, 'show', `${rev}:${path}`], { encoding: 'utf8' });
const indexAt = (commit: string, name: string) =>
  parseIndexFile(indexPath(name), Buffer.from(show(fx.sim.indexPath, commit, indexPath(name))))
    .entries;
const namesAt = (commit: string) =>
  execFileSync('git', ['-C', fx.sim.indexPath, 'ls-tree', '-r', '--name-only', commit], {
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .filter((p) => p !== 'config.json')
    .map((p) => p.slice(p.lastIndexOf('/') + 1));
const rejection = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SnapshotError);
  return (error as SnapshotError).code;
};

describe('a snapshot', () => {
  it('at the first commit lists exactly its crates and versions, every one mirrored', async () => {
    const snapshot = await reader.open({ commit: fx.first.commit });
    const crates: string[] = [];
    for await (const name of snapshot.crates()) crates.push(name);
    expect(crates.sort()).toEqual(namesAt(fx.first.commit).sort());
    expect(crates).not.toContain(fx.unmirrored.name);
    for (const name of crates) {
      const versions = (await snapshot.versions(name)) ?? [];
      expect(versions.map((v) => [v.vers, v.cksum, v.yanked === true])).toEqual(
        indexAt(fx.first.commit, name).map((e) => [e.vers, e.cksum, e.yanked === true]),
      );
      expect(versions.every((v) => v.mirrored)).toBe(true);
    }
    expect(snapshot).toMatchObject({
      commit: fx.first.commit,
      committedAt: new Date(fx.first.time * 1000).toISOString(),
      mirroredAt: new Date((fx.first.time + 60) * 1000).toISOString(),
      missing: 0,
    });
    expect(await snapshot.version(fx.published.name, fx.published.vers)).toBeUndefined();
  });

  it('latest is the newest recorded commit; a time between the two resolves to the first', async () => {
    expect((await reader.open('latest')).commit).toBe(fx.second.commit);
    const between = new Date((fx.first.time + 1800) * 1000);
    expect((await reader.open({ time: between })).commit).toBe(fx.first.commit);
    expect((await reader.open({ time: new Date(fx.second.time * 1000) })).commit).toBe(
      fx.second.commit,
    );
    expect((await reader.open({ ref: 'HEAD~1' })).commit).toBe(fx.first.commit);
    expect(await rejection(reader.open({ time: new Date((fx.first.time - 1) * 1000) }))).toBe(
      'SNAPSHOT_NOT_FOUND',
    );
    expect(await rejection(reader.open({ commit: 'f'.repeat(40) }))).toBe(
      'SNAPSHOT_COMMIT_UNKNOWN',
    );
    expect(await rejection(reader.open({ ref: 'no-such-branch' }))).toBe('SNAPSHOT_COMMIT_UNKNOWN');
    // A wrong shape from JavaScript is a typed error, not a TypeError.
    for (const bad of [
      null,
      'newest',
      { commit: 'abc' },
      { time: '2019-11-10' },
      { time: new Date(NaN) },
    ])
      expect(await rejection(reader.open(bad as never))).toBe('SNAPSHOT_POINT_INVALID');
  });

  it("merges each version with its augmented line: dev-dependencies equal the augmented index's", async () => {
    const snapshot = await reader.open('latest');
    const { name, vers } = fx.published;
    const version = await snapshot.version(name, vers);
    const line = show(fx.augmented, 'HEAD', indexPath(name))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { vers: string; dev_deps: unknown[]; edition: string })
      .find((l) => l.vers === vers);
    expect(line?.dev_deps.length).toBe(1);
    expect(version).toMatchObject({ augmented: true, mirrored: true, edition: line?.edition });
    expect(version?.dev_deps).toEqual(line?.dev_deps);
    // Normal dependencies stay the index's own.
    expect(version?.deps).toEqual(
      indexAt(fx.second.commit, name).find((e) => e.vers === vers)?.deps,
    );
  });

  it('says when a version is not mirrored yet and has no augmented line', async () => {
    const snapshot = await reader.open('latest');
    expect(snapshot.missing).toBe(1);
    const version = await snapshot.version(fx.unmirrored.name, fx.unmirrored.vers);
    expect(version).toMatchObject({ mirrored: false, augmented: false });
    expect(version?.dev_deps).toBeUndefined();
    expect(await rejection(snapshot.crateBytes(fx.unmirrored.name, fx.unmirrored.vers))).toBe(
      'SNAPSHOT_NOT_MIRRORED',
    );
    expect(await rejection(snapshot.crateBytes(fx.published.name, '9.9.9'))).toBe(
      'SNAPSHOT_VERSION_UNKNOWN',
    );
    expect(await snapshot.versions('no-such-crate')).toBeUndefined();
  });

  it('streams the .crate bytes verified, and throws at the end when the store holds other bytes', async () => {
    const snapshot = await reader.open('latest');
    const { name, vers } = fx.published;
    const chunks: Uint8Array[] = [];
    for await (const chunk of await snapshot.crateBytes(name, vers)) chunks.push(chunk);
    expect(
      Buffer.concat(chunks).equals(
        fx.sim.published.get(`${name}@${vers}`)?.bytes ?? Buffer.alloc(1),
      ),
    ).toBe(true);

    const [victim] = indexAt(fx.first.commit, fx.yanked.name);
    if (!victim) throw new Error('fixture has no versions');
    writeFileSync(
      join(fx.dir, 'store', crateKey({ name: victim.name, version: victim.vers })),
      'tampered',
    );
    const read = async () => {
      for await (const chunk of await snapshot.crateBytes(victim.name, victim.vers)) void chunk;
    };
    expect(await rejection(read())).toBe('SNAPSHOT_CHECKSUM_MISMATCH');
  });
});

describe('a commit the index repository lacks', () => {
  it('is fetched through fetchCommit only when the history recorded it', async () => {
    const history = new SnapshotHistory({
      metadata: new FileMetadataStore(join(fx.dir, 'meta-fetch')),
      objects: fx.store,
    });
    const recorded = 'a'.repeat(40);
    const at = new Date(fx.second.time * 1000).toISOString();
    await history.record({ commit: recorded, committedAt: at, mirroredAt: at, missing: 0 });
    const asked: string[] = [];
    const index = await openObjectStore(findGitDir(fx.sim.indexPath) ?? '');
    try {
      const fetching = new SnapshotReader({
        index,
        store: fx.store,
        history,
        fetchCommit: async (commit) => void asked.push(commit),
      });
      // An id a client made up: refused without asking upstream.
      expect(await rejection(fetching.open({ commit: 'b'.repeat(40) }))).toBe(
        'SNAPSHOT_COMMIT_UNKNOWN',
      );
      expect(asked).toEqual([]);
      // A recorded commit this cache never saw: fetched once, then still unknown here.
      expect(await rejection(fetching.open('latest'))).toBe('SNAPSHOT_COMMIT_UNKNOWN');
      expect(asked).toEqual([recorded]);
    } finally {
      await index.close();
    }
  });
});

describe('changes between two snapshots', () => {
  it('are exactly what moved, with the right kinds, merged entries and mirrored flags', async () => {
    const from = await reader.open({ commit: fx.first.commit });
    const to = await reader.open({ commit: fx.second.commit });
    const changes = [];
    for await (const change of reader.changes(from, to)) changes.push(change);
    expect(
      changes
        .map((c) => [c.kind, c.name, c.vers, c.version.mirrored])
        .sort((x, y) => String(x[1]).localeCompare(String(y[1]))),
    ).toEqual(
      [
        ['Added', fx.published.name, fx.published.vers, true],
        ['Yanked', fx.yanked.name, fx.yanked.vers, true],
        ['Added', fx.unmirrored.name, fx.unmirrored.vers, false],
      ].sort((x, y) => String(x[1]).localeCompare(String(y[1]))),
    );
    const added = changes.find((c) => c.name === fx.published.name);
    expect(added?.version).toMatchObject({ augmented: true });
    expect(added?.version.dev_deps?.length).toBe(1);
    // Backwards, the same moves undone: deletions and an unyank.
    const back = [];
    for await (const change of reader.changes(to, from)) back.push([change.kind, change.name]);
    expect(back).toHaveLength(3);
    expect(back.map(([kind]) => kind).sort()).toEqual([
      'CrateDeleted',
      'Unyanked',
      'VersionDeleted',
    ]);
  });

  it('resume after a position without repeating or skipping one', async () => {
    const from = await reader.open({ commit: fx.first.commit });
    const to = await reader.open('latest');
    const all = [];
    for await (const change of reader.changes(from, to)) all.push(change);
    const resumed = [];
    let after = all[0]?.position;
    while (after) {
      const [next] = await first(reader.changes(from, to, { after }));
      if (next) resumed.push(next);
      after = next?.position;
    }
    expect([all[0], ...resumed].map((c) => c?.name)).toEqual(all.map((c) => c.name));
  });
});

async function first<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  for await (const item of iterable) return [item];
  return [];
}
