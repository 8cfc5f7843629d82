import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createReporter } from './reporter.js';

function sink(isTTY: boolean, columns?: number) {
  const chunks: string[] = [];
  const stream = Object.assign(
    new Writable({ write: (c: Buffer, _e, cb) => (chunks.push(c.toString()), cb()) }),
    { isTTY, ...(columns ? { columns } : {}) },
  );
  return { stream, chunks };
}

describe('createReporter', () => {
  it('logs JSON lines off a TTY, throttling progress', () => {
    let t = 0;
    const { stream, chunks } = sink(false);
    const r = createReporter(stream, { intervalMs: 100, now: () => t });
    r.progress({ crates: 1 });
    t = 150;
    r.progress({ crates: 2 });
    t = 160;
    r.progress({ crates: 3 });
    r.log('warn', 'bad line', { file: 'a/b/abcd', line: 2 });
    const lines = chunks
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l['level'], l['msg'], l['crates'] ?? l['file']])).toEqual([
      ['info', 'progress', 2],
      ['warn', 'bad line', 'a/b/abcd'],
    ]);
  });

  it('redraws one live line on a TTY and clears it before messages', () => {
    let t = 1000;
    const { stream, chunks } = sink(true);
    const r = createReporter(stream, { intervalMs: 100, now: () => t });
    t += 200;
    r.progress({ crates: 5, versions: 9 });
    r.log('info', 'done');
    expect(chunks).toEqual(['\r\x1b[2Kcrates 5  versions 9', '\r\x1b[2K', 'info: done\n']);
  });

  it('adds rate, percentage and time left, and cuts the live line to the terminal width', () => {
    let t = 0;
    const { stream, chunks } = sink(true, 40);
    const r = createReporter(stream, { intervalMs: 100, now: () => t });
    t = 10_000;
    r.progress({ done: 250, total: 1000, downloaded: 250, failed: 0, MiB: '12.5' });
    const line = chunks.join('').replace('\r\x1b[2K', '');
    expect(line).toHaveLength(39);
    expect(line.endsWith('…')).toBe(true);
    const wide = sink(true, 200);
    const w = createReporter(wide.stream, { intervalMs: 100, now: () => t });
    t = 20_000;
    w.progress({ done: 500, total: 1000 });
    expect(wide.chunks.join('')).toContain('done 500  total 1000  rate 50/s  pct 50.0%  eta 10s');
  });

  it('writes plain lines on a dumb terminal, JSON when asked, and only warnings when quiet', () => {
    let t = 0;
    const dumb = sink(true);
    const d = createReporter(dumb.stream, { term: 'dumb', intervalMs: 100, now: () => t });
    t = 1000;
    d.progress({ done: 3 });
    d.log('info', 'hello');
    expect(dumb.chunks.join('')).toBe('progress: done 3  rate 3.0/s\ninfo: hello\n');
    expect(dumb.chunks.join('')).not.toContain('\x1b');

    const asked = sink(true);
    createReporter(asked.stream, { format: 'json' }).log('info', 'hello');
    expect(JSON.parse(asked.chunks.join(''))).toMatchObject({ level: 'info', msg: 'hello' });

    const quiet = sink(false);
    const q = createReporter(quiet.stream, { quiet: true, intervalMs: 0, now: () => (t += 10) });
    q.progress({ done: 1 });
    q.log('info', 'routine');
    q.log('warn', 'look');
    expect(quiet.chunks).toHaveLength(1);
    expect(JSON.parse(quiet.chunks[0] ?? '')).toMatchObject({ level: 'warn', msg: 'look' });
  });
});
