/** The real command line, as operators run it: a child process of the built app. */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DirectoryIndexSource, indexStats } from '@lcs/index-reader';
import { afterAll, describe, expect, it } from 'vitest';

const MAIN = resolve(import.meta.dirname, '../dist/main.js');
const FIXTURE = resolve(import.meta.dirname, '../../../test-fixtures/index');
const tmp = mkdtempSync(join(tmpdir(), 'lcs-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      { env: { PATH: process.env['PATH'] ?? '', ...env } },
      (error, stdout, stderr) => done({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

describe('lcs-fetcher scan', () => {
  it('scans the fixture and ends stdout with one JSON summary', async () => {
    const expected = await indexStats(await DirectoryIndexSource.open(FIXTURE));
    const { code, stdout, stderr } = await run(['scan', '--json'], { LCS_INDEX: FIXTURE });
    expect(code).toBe(0);
    const summary = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as Record<string, unknown>;
    expect(summary).toMatchObject({
      command: 'scan',
      crates: expected.crates,
      versions: expected.versions,
      yanked: expected.yanked,
      malformed_lines: 0,
      unsupported_lines: 1,
    });
    expect(stdout).toContain(`crates     ${expected.crates}`);
    // Off a TTY the log is JSON, one object per line.
    expect(
      stderr
        .trim()
        .split('\n')
        .every((l) => typeof JSON.parse(l) === 'object'),
    ).toBe(true);
  });

  it('exits 1 and names file and line when the index has malformed lines', async () => {
    const dir = join(tmp, 'broken');
    cpSync(FIXTURE, dir, { recursive: true });
    writeFileSync(join(dir, '1/a'), `${readFileSync(join(dir, '1/a'), 'utf8')}{oops\n`);
    const { code, stdout, stderr } = await run(['scan', '--index', dir, '--json']);
    expect(code).toBe(1);
    expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '')).toMatchObject({
      malformed_lines: 1,
    });
    expect(stderr).toContain('1/a:2: not JSON');
  });

  it.each([
    [['scan', '--index', '/no/such/index'], 'cannot open index "/no/such/index"'],
    [['scan', '--index', 'sparse+http://127.0.0.1:9/'], 'cannot be scanned'],
    [['scan', '--index', FIXTURE, '--what'], "Unknown option '--what'"],
  ])('exits 2 on bad input %j', async (args, message) => {
    const { code, stderr } = await run(args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it('prints help with the exit statuses', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Exit status: 0 all done; 1 some versions failed');
  });
});
