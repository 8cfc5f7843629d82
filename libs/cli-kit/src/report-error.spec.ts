import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { reportError } from './report-error.js';
import { createReporter } from './reporter.js';

function capture(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = Object.assign(
    new Writable({ write: (c: Buffer, _e, cb) => (chunks.push(c.toString()), cb()) }),
    { isTTY },
  );
  return { reporter: createReporter(stream), chunks };
}

const typed = Object.assign(new Error('index source "x": fetch failed'), {
  code: 'INDEX_SOURCE_FAILED',
});

describe('reportError', () => {
  const stdout: string[] = [];
  const stderr: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((c) => (stdout.push(String(c)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((c) => (stderr.push(String(c)), true));
  afterEach(() => {
    stdout.length = 0;
    stderr.length = 0;
  });

  it('writes one JSON log line off a terminal, with the stack only for an error without a code', () => {
    const logs = capture(false);
    reportError('tool', typed, 1, logs.reporter, false);
    reportError('tool', new TypeError('x is undefined'), 1, logs.reporter, false);
    const [first, second] = logs.chunks.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(first).toMatchObject({ level: 'error', code: 'INDEX_SOURCE_FAILED', exit_code: 1 });
    expect(first).not.toHaveProperty('stack');
    expect(String(second?.['stack'])).toContain('TypeError: x is undefined');
    expect(stderr).toEqual([]);
  });

  it('writes plain text on a terminal and the JSON error summary on stdout with --json', () => {
    const logs = capture(true);
    reportError('tool', typed, 1, logs.reporter, true);
    expect(stderr.join('')).toBe('tool: index source "x": fetch failed\n');
    expect(JSON.parse(stdout.join(''))).toMatchObject({
      status: 'error',
      error: { code: 'INDEX_SOURCE_FAILED' },
    });
  });
});
