// A real npm registry on a random loopback port: verdaccio, with its own storage in a temporary
// directory. The `@lcs` scope is served from this registry only (never proxied), as an internal
// registry must; every other package is proxied to the npm registry this machine uses.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, stopChild } from './index.mjs';

const VERDACCIO = resolve(import.meta.dirname, '../../node_modules/verdaccio/bin/verdaccio');

/**
 * The environment without npm's own `npm_*` variables: a test running under `npm test` inherits
 * the workspace's (`npm_config_workspace`...), which would turn the child npm commands into
 * workspace commands of this repository.
 */
export function cleanNpmEnv(extra = {}) {
  return {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_'))),
    ...extra,
  };
}

/** Starts verdaccio; resolves to its URL, a publish token, `npmrc(dir)` and `stop()`. */
export async function startVerdaccio() {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const dir = mkdtempSync(join(tmpdir(), 'lcs-verdaccio-'));
  const upstream = execFileSync('npm', ['config', 'get', 'registry'], {
    encoding: 'utf8',
    cwd: tmpdir(),
    env: cleanNpmEnv(),
  }).trim();
  writeFileSync(
    join(dir, 'config.yaml'),
    [
      `storage: ${join(dir, 'storage')}`,
      'auth:',
      '  htpasswd:',
      `    file: ${join(dir, 'htpasswd')}`,
      '    max_users: 10',
      'uplinks:',
      '  upstream:',
      `    url: ${upstream}`,
      '    timeout: 60s',
      'packages:',
      "  '@lcs/*':",
      '    access: $all',
      '    publish: $authenticated',
      "  '**':",
      '    access: $all',
      '    publish: $authenticated',
      '    proxy: upstream',
      'log: { type: stdout, format: json, level: warn }',
      '',
    ].join('\n'),
  );
  const child = spawn(
    process.execPath,
    [VERDACCIO, '--config', join(dir, 'config.yaml'), '--listen', `127.0.0.1:${port}`],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
  const stop = async () => {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      if ((await fetch(`${url}-/ping`)).ok) {
        // A user for publishing (verdaccio's htpasswd registration, as `npm adduser` does).
        const response = await fetch(`${url}-/user/org.couchdb.user:ci`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'ci', password: 'ci-password-0123' }),
        });
        const { token } = await response.json();
        const host = url.replace(/^https?:/, '');
        return {
          url,
          token,
          /** Writes an `.npmrc` in `dir` that uses this registry alone, with the publish token. */
          npmrc: (target) =>
            writeFileSync(join(target, '.npmrc'), `registry=${url}\n${host}:_authToken=${token}\n`),
          stop,
        };
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`verdaccio did not start: ${stderr}`);
}
