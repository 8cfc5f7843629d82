import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createReporter } from './reporter.js';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = Object.assign(
    new Writable({ write: (c: Buffer, _e, cb) => (chunks.push(c.toString()), cb()) }),
    { isTTY },
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
});
