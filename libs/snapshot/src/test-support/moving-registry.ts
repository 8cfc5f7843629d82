/**
 * A registry whose index moves between two commits, mirrored as the fetcher would leave it: the
 * registry simulator's real git index; commit 1 fully stored and recorded; commit 2 (an hour later)
 * publishes a version with dev-dependencies, yanks one, and publishes a new crate that is not
 * stored yet (recorded with 1 missing). A real augmented index is backfilled from the store.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AugmentedRepo, backfill } from '@lcs/augmented-index';
import { FileMetadataStore, FsCrateStore } from '@lcs/crate-store';
import { GitIndexSource } from '@lcs/index-reader';
import {
  startRegistrySimulator,
  type RegistrySimulator,
} from '../../../../tools/test-servers/index.mjs';
import { SnapshotHistory } from '../history/snapshot-history.js';
import { SnapshotReader } from '../snapshot-reader.js';

/** The fixture's parts. */
export interface MovingRegistry {
  readonly sim: RegistrySimulator;
  readonly dir: string;
  readonly store: FsCrateStore;
  readonly metadata: FileMetadataStore;
  readonly history: SnapshotHistory;
  readonly augmented: string;
  readonly first: { commit: string; time: number };
  readonly second: { commit: string; time: number };
  /** The crate published, the crate yanked and the crate not mirrored at commit 2. */
  readonly published: { name: string; vers: string };
  readonly yanked: { name: string; vers: string };
  readonly unmirrored: { name: string; vers: string };
  /** A reader of it all: the index, the augmented index, the store and the history. */
  openReader(): Promise<SnapshotReader>;
  stop(): Promise<void>;
}

const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' }).trim();

/** Builds the fixture (about a second). */
export async function movingRegistry(): Promise<MovingRegistry> {
  const sim = await startRegistrySimulator({ crates: 6, versionsPerCrate: 2 });
  const dir = mkdtempSync(join(tmpdir(), 'lcs-snapshot-'));
  const store = new FsCrateStore(join(dir, 'store'));
  const metadata = new FileMetadataStore(join(dir, 'meta'));
  const history = new SnapshotHistory({ metadata, objects: store });
  const augmented = join(dir, 'augmented');
  const put = async (id: string) => {
    const crate = sim.published.get(id);
    if (!crate) throw new Error(`no ${id}`);
    await store.put({ name: crate.name, version: crate.version, cksum: crate.cksum }, crate.bytes);
  };
  const commitTime = () => Number(git(sim.indexPath, 'log', '-1', '--format=%ct'));
  for (const id of sim.published.keys()) await put(id);
  const first = { commit: git(sim.indexPath, 'rev-parse', 'HEAD'), time: commitTime() };
  const iso = (s: number) => new Date(s * 1000).toISOString();
  await history.record({
    commit: first.commit,
    committedAt: iso(first.time),
    mirroredAt: iso(first.time + 60),
    missing: 0,
  });

  const [a = '', b = ''] = sim.names;
  const yankedVers = [...sim.published.values()].find((c) => c.name === b)?.version ?? '';
  process.env['GIT_COMMITTER_DATE'] = `${first.time + 3600} +0000`;
  try {
    await sim.publish(a, '0.9.0', { devDeps: [b], deps: [b], commit: false });
    sim.yank(b, yankedVers, { commit: false });
    await sim.publish('fresh-crate', '1.0.0', { commit: false });
    sim.commit('publish, yank, publish');
  } finally {
    delete process.env['GIT_COMMITTER_DATE'];
  }
  await put(`${a}@0.9.0`);
  const second = { commit: git(sim.indexPath, 'rev-parse', 'HEAD'), time: commitTime() };
  await history.record({
    commit: second.commit,
    committedAt: iso(second.time),
    mirroredAt: iso(second.time + 60),
    missing: 1,
  });

  const original = await GitIndexSource.open(sim.indexPath);
  const repo = await AugmentedRepo.open(augmented);
  try {
    await backfill({
      original,
      originalCommit: { oid: original.commit.oid, store: original.store },
      repo,
      crates: store,
      author: { name: 'test', email: 'test@example.com' },
    });
  } finally {
    await repo.close();
    await original.close();
  }
  return {
    sim,
    dir,
    store,
    metadata,
    history,
    augmented,
    first,
    second,
    published: { name: a, vers: '0.9.0' },
    yanked: { name: b, vers: yankedVers },
    unmirrored: { name: 'fresh-crate', vers: '1.0.0' },
    openReader: () => SnapshotReader.openPaths({ index: sim.indexPath, augmented, store, history }),
    stop: async () => {
      await metadata.close();
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
