/** The built package works outside the workspace: packed, installed from the tarball, type-checked, imported. */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const TOOL = resolve(import.meta.dirname, '../../../tools/pack-and-import.mjs');

describe('@lcs/mirror as a published package', () => {
  it('installs from its tarball with its workspace dependencies, type-checks under nodenext and runs', () => {
    const consumer = `
import { signBody, verifySignature, SyncScheduler, type SyncSummary } from '@lcs/mirror';
const signature = signBody('secret-of-some-length', '{}');
const scheduler = new SyncScheduler(async () => undefined);
const summary: Pick<SyncSummary, 'status'> = { status: 'ok' };
console.log([verifySignature('secret-of-some-length', '{}', signature), scheduler.trigger('x'), summary.status].map(String).join(' '));
await scheduler.close();
`;
    const { files, output, problems } = JSON.parse(
      execFileSync(process.execPath, [TOOL, resolve(import.meta.dirname, '..')], {
        input: consumer,
        encoding: 'utf8',
      }),
    ) as { files: string[]; output: string; problems: string[] };
    expect(output.trim()).toBe('true started ok');
    // README and LICENSE shipped; no export condition, main, types or source map names a file that is not.
    expect(problems).toEqual([]);
    expect(files.filter((f) => f.includes('.spec.') || f.includes('test-support'))).toEqual([]);
  }, 240_000);
});
