/** The real command line, as operators run it: a child process of the built app. */
import { execFile, execFileSync } from 'node:child_process';
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
  it('scans the fixture; with --json stdout is one JSON object and nothing else', async () => {
    const expected = await indexStats(await DirectoryIndexSource.open(FIXTURE));
    const { code, stdout, stderr } = await run(['scan', '--json'], { LCS_INDEX: FIXTURE });
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const summary = JSON.parse(stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({
      command: 'scan',
      crates: expected.crates,
      versions: expected.versions,
      yanked: expected.yanked,
      malformed_lines: 0,
      unsupported_lines: 1,
    });
    const human = await run(['scan'], { LCS_INDEX: FIXTURE });
    expect(human.stdout).toContain(`crates     ${expected.crates}`);
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
    [['scan', '--index', FIXTURE, '--what'], 'unknown option --what; see --help'],
    [['sync', '--concurency', '4'], 'unknown option --concurency (did you mean --concurrency?)'],
    [['sync', '-c', '4'], 'unknown option -c (did you mean one of --concurrency, --contact'],
    [['snyc'], 'unknown command "snyc" (did you mean sync?)'],
    [['help', 'snyc'], 'unknown command "snyc" (did you mean sync?)'],
    [['sync', '--no-store', '--index', FIXTURE], '--no-store: only a boolean flag can be negated'],
  ])('exits 2 on bad input %j', async (args, message) => {
    const { code, stderr } = await run(args);
    expect(code).toBe(2);
    // Off a terminal the error is a JSON log line like the others (no stack for a typed error).
    const last = JSON.parse(stderr.trim().split('\n').at(-1) ?? '') as Record<string, unknown>;
    expect(last).toMatchObject({ level: 'error', exit_code: 2 });
    expect(String(last['msg'])).toContain(message);
    expect(last).not.toHaveProperty('stack');
    const text = await run([...args, '--log-format', 'text']);
    expect(text.stderr).toContain(`lcs-fetcher: `);
    expect(text.stderr).toContain(message);
  });

  it('prints help with the exit statuses', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Exit status: 0 all done; 1 some versions failed');
    expect(stdout).toContain('130 / 143');
    // A command's --help is that command's page: its options only.
    const sync = await run(['sync', '--help']);
    expect(sync.code).toBe(0);
    expect(sync.stdout).toContain('Usage: lcs-fetcher sync [options]');
    expect(sync.stdout).toContain('--shard');
    expect(sync.stdout).not.toContain('--webhook');
    expect(sync.stdout).not.toContain('--port');
    // `help <command>` is the same page, as with git and cargo.
    expect((await run(['help', 'sync'])).stdout).toBe(sync.stdout);
    expect(sync.stdout).toContain('--[no-]full');
  });

  it('negates a boolean flag with --no- (the last one wins, over its variable too)', async () => {
    const dir = join(tmp, 'negated');
    cpSync(FIXTURE, dir, { recursive: true });
    const json = await run(['scan', '--index', dir, '--json', '--no-json']);
    expect(json.code).toBe(0);
    expect(json.stdout.trim().startsWith('{')).toBe(false);
    expect((await run(['scan', '--index', dir, '--no-json', '--json'])).stdout.trim()).toMatch(
      /^\{.*\}$/s,
    );
  });

  it('installs as the lcs-fetcher command (npx lcs-fetcher): an executable bin linked by npm', () => {
    const bin = resolve(import.meta.dirname, '../../../node_modules/.bin/lcs-fetcher');
    const out = execFileSync(bin, ['--version'], { encoding: 'utf8' });
    expect(out).toMatch(/^lcs-fetcher \d+\.\d+\.\d+\n$/);
  });

  it('prints its version with -V and --version, the one in its package.json', async () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../package.json'), 'utf8')) as {
      version: string;
    };
    for (const args of [['-V'], ['--version'], ['sync', '--version']]) {
      const { code, stdout } = await run(args);
      expect(code, args.join(' ')).toBe(0);
      expect(stdout).toBe(`lcs-fetcher ${pkg.version}\n`);
    }
  });
});
