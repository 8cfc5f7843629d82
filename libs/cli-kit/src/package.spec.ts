/** The built package works outside the workspace: packed, installed from the tarball, type-checked, imported. */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const TOOL = resolve(import.meta.dirname, '../../../tools/pack-and-import.mjs');

describe('@lcs/cli-kit as a published package', () => {
  it('installs from its tarball, type-checks under nodenext and runs', () => {
    const consumer = `
import { closest, parseCommandLine, signalExitCode, ExitCode } from '@lcs/cli-kit';
const line = parseCommandLine(['sync', '--json'], { json: { flag: 'json', env: 'X_JSON', boolean: true, help: 'j' } });
console.log([line.positionals[0], line.values['json'], closest('jsno', ['json']), signalExitCode('SIGTERM'), ExitCode.Locked].join(' '));
`;
    const { files, output, problems } = JSON.parse(
      execFileSync(process.execPath, [TOOL, resolve(import.meta.dirname, '..')], {
        input: consumer,
        encoding: 'utf8',
      }),
    ) as { files: string[]; output: string; problems: string[] };
    expect(output.trim()).toBe('sync true json 143 3');
    expect(problems).toEqual([]);
    expect(files.filter((f) => f.includes('.spec.') || f.includes('test-support'))).toEqual([]);
  }, 240_000);
});
