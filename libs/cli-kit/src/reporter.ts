/**
 * How a long job talks while it runs: a live progress line on a terminal, one JSON object per line
 * otherwise (for log collectors), throttled either way. The format can also be chosen
 * (`--log-format`), `--quiet` keeps only warnings and errors, a `dumb` terminal gets plain lines
 * instead of redraws, and the live line never wraps: it is cut to the terminal's width.
 */
export interface Reporter {
  /**
   * Running totals; shown at most every `intervalMs`. A numeric `done` gets a rate, and with a
   * numeric `total` a percentage and an estimated time left.
   */
  progress(fields: Record<string, unknown>): void;
  /** A notable event. */
  log(level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>): void;
  /** Clears the live line before the summary is printed. */
  finish(): void;
  /** The format chosen (`auto` resolved): how an error at exit is written, too. */
  readonly format: 'text' | 'json';
}

/** How log lines are written: `auto` is `text` on a terminal and `json` otherwise. */
export type LogFormat = 'auto' | 'text' | 'json';

/** Options of {@link createReporter}. */
export interface ReporterOptions {
  readonly format?: LogFormat;
  /** Only warnings and errors; no progress. */
  readonly quiet?: boolean;
  /** `TERM`: `dumb` terminals cannot redraw a line. */
  readonly term?: string;
  readonly intervalMs?: number;
  readonly now?: () => number;
}

type Stream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

/** A reporter writing to `stream` (stderr, so stdout keeps only results). */
export function createReporter(stream: Stream, options: ReporterOptions = {}): Reporter {
  const format = options.format ?? 'auto';
  const json = format === 'json' || (format === 'auto' && stream.isTTY !== true);
  const live = !json && stream.isTTY === true && options.term !== 'dumb';
  const interval = options.intervalMs ?? (live ? 200 : 5000);
  const now = options.now ?? Date.now;
  const started = now();
  let last = started;
  let showing = false;
  const writeJson = (level: string, msg: string, fields: Record<string, unknown> = {}) =>
    stream.write(
      `${JSON.stringify({ time: new Date(now()).toISOString(), level, msg, ...fields })}\n`,
    );
  const clear = () => {
    if (showing) stream.write('\r\x1b[2K');
    showing = false;
  };
  return {
    progress(fields) {
      const t = now();
      if (options.quiet || t - last < interval) return;
      last = t;
      const all = { ...fields, ...rates(fields, (t - started) / 1000) };
      if (json) return void writeJson('info', 'progress', all);
      const text = Object.entries(all)
        .map(([k, v]) => `${k} ${v}`)
        .join('  ');
      if (!live) return void stream.write(`progress: ${text}\n`);
      const width = Math.max(20, (stream.columns ?? 80) - 1);
      stream.write(`\r\x1b[2K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
      showing = true;
    },
    log(level, msg, fields) {
      if (options.quiet && level === 'info') return;
      if (json) return void writeJson(level, msg, fields);
      clear();
      stream.write(`${level}: ${msg}${fields ? ` ${JSON.stringify(fields)}` : ''}\n`);
    },
    finish: clear,
    format: json ? 'json' : 'text',
  };
}

/** Rate of `done` per second, and with a `total` the share done and the time left. */
function rates(fields: Record<string, unknown>, seconds: number): Record<string, string> {
  const done = fields['done'];
  const total = fields['total'];
  if (typeof done !== 'number' || seconds <= 0) return {};
  const rate = done / seconds;
  const out: Record<string, string> = { rate: `${rate.toFixed(rate < 10 ? 1 : 0)}/s` };
  if (typeof total === 'number' && total > 0) {
    out['pct'] = `${Math.min(100, (100 * done) / total).toFixed(1)}%`;
    if (rate > 0 && done < total) out['eta'] = duration((total - done) / rate);
  }
  return out;
}

function duration(seconds: number): string {
  if (seconds < 90) return `${Math.ceil(seconds)}s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)}m`;
  return `${(seconds / 3600).toFixed(1)}h`;
}
