// Runs a command under /usr/bin/time, asynchronously (benchmarks that host servers in their own
// process must not block it). Resolves to wall ms, peak RSS in MiB and stdout.
import { spawn } from 'node:child_process';

/**
 * @param {string} command
 * @param {string[]} args
 * @param {{ env?: Record<string, string>, cwd?: string, okCodes?: number[] }} [options]
 * @returns {Promise<{ ms: number, rssMiB: number, stdout: string }>}
 */
export function timed(command, args, { env = {}, cwd, okCodes = [0] } = {}) {
  return new Promise((res, rej) => {
    const started = performance.now();
    const child = spawn('/usr/bin/time', ['-f', 'maxrss=%M', command, ...args], {
      cwd,
      env: { ...process.env, NODE_NO_WARNINGS: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => {
      const ms = performance.now() - started;
      if (!okCodes.includes(code)) {
        return rej(
          new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr.slice(-2000)}`),
        );
      }
      const rss = /maxrss=(\d+)/.exec(stderr);
      res({ ms, rssMiB: rss ? Math.round(Number(rss[1]) / 1024) : 0, stdout });
    });
  });
}
