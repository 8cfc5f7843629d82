/**
 * How a long job talks while it runs: a live progress line on a TTY, one JSON object per line
 * otherwise (for log collectors), throttled either way.
 */
export interface Reporter {
  /** Running totals; shown at most every `intervalMs`. */
  progress(fields: Record<string, unknown>): void;
  /** A notable event. */
  log(level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>): void;
  /** Clears the live line before the summary is printed. */
  finish(): void;
}

/** A reporter writing to `stream` (stderr, so stdout keeps only results). */
export function createReporter(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  options: { intervalMs?: number; now?: () => number } = {},
): Reporter {
  const tty = stream.isTTY === true;
  const interval = options.intervalMs ?? (tty ? 200 : 5000);
  const now = options.now ?? Date.now;
  let last = now();
  let live = false;
  const json = (level: string, msg: string, fields: Record<string, unknown> = {}) =>
    stream.write(
      `${JSON.stringify({ time: new Date(now()).toISOString(), level, msg, ...fields })}\n`,
    );
  return {
    progress(fields) {
      const t = now();
      if (t - last < interval) return;
      last = t;
      if (!tty) {
        json('info', 'progress', fields);
        return;
      }
      const text = Object.entries(fields)
        .map(([k, v]) => `${k} ${v}`)
        .join('  ');
      stream.write(`\r\x1b[2K${text}`);
      live = true;
    },
    log(level, msg, fields) {
      if (tty) {
        if (live) stream.write('\r\x1b[2K');
        live = false;
        stream.write(`${level}: ${msg}${fields ? ` ${JSON.stringify(fields)}` : ''}\n`);
      } else json(level, msg, fields);
    },
    finish() {
      if (live) stream.write('\r\x1b[2K');
      live = false;
    },
  };
}
