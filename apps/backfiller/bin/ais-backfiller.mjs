#!/usr/bin/env node
// The `ais-backfiller` command (`npx ais-backfiller`, or on PATH after `npm install`): the built app, or a clear
// word when it has not been built yet.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write(
    'ais-backfiller: not built yet; run `npx nx run @lcs/backfiller:build` first\n',
  );
  process.exit(2);
}
await import(main.href);
