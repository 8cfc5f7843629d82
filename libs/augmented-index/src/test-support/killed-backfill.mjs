// A backfill that commits a checkpoint and then hangs inside a crate read, for the SIGKILL test:
// prints "hanging" once it is stuck, and is then killed by the test.
// Usage: node killed-backfill.mjs <original-index> <augmented-dir> <crates-json>
import { readFileSync } from 'node:fs';
import { AugmentedRepo, backfill } from '../../dist/index.js';
import { GitIndexSource } from '../../../index-reader/dist/index.js';

const [indexPath, augmented, cratesJson] = process.argv.slice(2);
const crates = new Map(Object.entries(JSON.parse(readFileSync(cratesJson, 'utf8'))));
let gets = 0;
const source = {
  get: async ({ name, version }) => {
    if (++gets === 6) {
      process.stdout.write('hanging\n');
      await new Promise(() => undefined);
    }
    const hex = crates.get(`${name}@${version}`);
    return hex
      ? (async function* () {
          yield Buffer.from(hex, 'hex');
        })()
      : undefined;
  },
};
const original = await GitIndexSource.open(indexPath);
const repo = await AugmentedRepo.open(augmented);
await backfill({
  original,
  originalCommit: { oid: original.commit.oid, store: original.store },
  repo,
  crates: source,
  author: { name: 'a', email: 'a@example.com' },
  concurrency: 1,
  checkpointEntries: 3,
});
