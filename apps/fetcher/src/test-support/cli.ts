/** Runs the built lcs-fetcher as operators do: a child process, asynchronously (the simulator shares this process). */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { signBody } from '@lcs/mirror';
import { messagesOf } from '../../../../tools/test-servers/index.mjs';

export const MAIN = resolve(import.meta.dirname, '../../dist/main.js');

/** Result of one CLI run. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The last stdout line parsed as JSON (the `--json` summary), when there is one. */
  summary: Record<string, unknown> | undefined;
  /** stderr's JSON log lines. */
  logs: Array<Record<string, unknown>>;
  /** stderr as people read it: each JSON log line replaced by its message. */
  messages: string;
}

function parse(stdout: string, stderr: string, code: number): CliResult {
  const last = stdout.trim().split('\n').at(-1) ?? '';
  let summary: Record<string, unknown> | undefined;
  try {
    summary = last.startsWith('{') ? (JSON.parse(last) as Record<string, unknown>) : undefined;
  } catch {
    summary = undefined;
  }
  return { code, stdout, stderr, summary, logs: logsOf(stderr), messages: messagesOf(stderr) };
}

/** The JSON log lines of a stderr (off a terminal every log line is one). */
function logsOf(stderr: string): Array<Record<string, unknown>> {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Starts the CLI; `done` resolves when it exits. */
export function start(
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): {
  child: ChildProcess;
  done: Promise<CliResult>;
  stderrSoFar: () => string;
  /** The JSON log lines written so far. */
  logsSoFar: () => Array<Record<string, unknown>>;
} {
  const child = spawn(process.execPath, [MAIN, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env['PATH'] ?? '', HOME: options.cwd, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d));
  child.stderr?.on('data', (d: Buffer) => (stderr += d));
  const done = new Promise<CliResult>((res) =>
    child.on('exit', (code, signal) => res(parse(stdout, stderr, code ?? (signal ? 128 : 1)))),
  );
  return { child, done, stderrSoFar: () => stderr, logsSoFar: () => logsOf(stderr) };
}

/** Runs the CLI to completion. */
export function run(
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<CliResult> {
  return start(args, options).done;
}

/** Waits until `condition` holds (polling), or fails after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Waits until a started `serve` logs `serving`; the port it listens on. */
export async function servingPort(logs: () => Array<Record<string, unknown>>): Promise<number> {
  await until(() => logs().some((l) => l['msg'] === 'serving'));
  return Number(logs().find((l) => l['msg'] === 'serving')?.['port']);
}

/** Sends a webhook signed with `secret` to the server at `base`; its status. */
export async function sendHook(base: string, secret: string): Promise<number> {
  const body = '{"ref":"refs/heads/master"}';
  const response = await fetch(`${base}/_/index-webhook`, {
    method: 'POST',
    body,
    headers: { 'x-hub-signature-256': signBody(secret, body) },
  });
  return response.status;
}

/** Starts `serve` on `index`, on a random loopback port, hooks only (no interval sync), plus `args`. */
export function startServe(
  index: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): ReturnType<typeof start> {
  const base = ['serve', '--index', index, '--port', '0', '--host', '127.0.0.1'];
  return start([...base, '--interval-minutes', '0', ...args], options);
}
