#!/usr/bin/env node
// The `lcs-fetcher` command (`npx lcs-fetcher`, or on PATH after `npm install`): the built app, or a clear
// word when it has not been built yet.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write('lcs-fetcher: not built yet; run `npx nx run @lcs/fetcher:build` first\n');
  process.exit(2);
}
await import(main.href);
