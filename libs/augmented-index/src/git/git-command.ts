/**
 * Running the git executable on the augmented repository. Every call disables what a repository's
 * own configuration could make git execute or prompt for (hooks, fsmonitor, credential prompts):
 * the repository may come from a remote, and the backfiller only ever needs plumbing.
 */
import { execFile, spawn } from 'node:child_process';
import { AugmentedIndexError } from '../errors.js';

/** Options of {@link runGit}. */
export interface GitRunOptions {
  /** Text written to git's standard input. */
  readonly input?: string;
  /** Extra environment (authorization headers travel here, never in argv). */
  readonly env?: Record<string, string>;
  /** Exit codes that are answers, not failures (`rev-parse --verify` answers 1, say). */
  readonly okCodes?: readonly number[];
}

/** What a git call printed and how it ended. */
export interface GitResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

const SAFE_CONFIG = [
  '-c',
  'core.hooksPath=/dev/null',
  '-c',
  'core.fsmonitor=false',
  '-c',
  'protocol.file.allow=never',
  '-c',
  'credential.helper=',
];

/** The arguments every call starts with: the repository and the safety overrides. */
export function gitArgs(gitdir: string, args: readonly string[]): string[] {
  return ['--git-dir', gitdir, ...SAFE_CONFIG, ...args];
}

/** The environment of every call: no prompts, no system or global configuration surprises. */
export function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'true', LC_ALL: 'C', ...extra };
}

/**
 * Runs `git --git-dir <gitdir> <args>`.
 * @throws {AugmentedIndexError} `AUGMENTED_GIT_FAILED` naming `input` when git fails.
 */
export function runGit(
  gitdir: string,
  args: readonly string[],
  input: string,
  options: GitRunOptions = {},
): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      gitArgs(gitdir, args),
      { env: gitEnv(options.env), maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        if (code === 0 || options.okCodes?.includes(code)) {
          resolve({ stdout, stderr, code });
          return;
        }
        reject(
          new AugmentedIndexError(
            'AUGMENTED_GIT_FAILED',
            input,
            `git ${args[0]} failed for ${input}: ${(stderr || error?.message || '').trim().split('\n').slice(-3).join(' ')}`,
            { cause: error },
          ),
        );
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}

/** `true` when a `git` executable can be run. */
export function gitAvailable(): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('git', ['--version'], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });
}

/**
 * Environment that sends `token` as HTTP basic auth (user `x-access-token`, as GitHub and Gitea
 * accept) through git's config environment, so it never appears in a process list.
 */
export function authEnv(token: string | undefined): Record<string, string> {
  if (!token) return {};
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  return {
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'http.extraHeader',
    GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`,
  };
}
