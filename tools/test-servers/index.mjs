// Real servers for integration tests, each on random loopback ports with its own temporary
// directory, stopped and removed by `stop()`: S3 (@20minutes/s3rver, MinIO cannot be installed
// here) and etcd (Debian's etcd-server). Shared by every project's tests.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** Credentials s3rver accepts. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

function firstLine(child, what, timeoutMs = 20_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${what} did not start in ${timeoutMs} ms`)),
      timeoutMs,
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}: ${stderr}`));
    });
  });
}

export function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Starts s3rver with `buckets` created; resolves to its endpoint and a `stop()`. */
export async function startS3rver({ buckets = ['crates'] } = {}) {
  const directory = mkdtempSync(join(tmpdir(), 'lcs-s3rver-'));
  const child = spawn(
    process.execPath,
    [join(import.meta.dirname, 's3rver-main.mjs'), directory, ...buckets],
    {
      env: { ...process.env, NODE_OPTIONS: '--openssl-legacy-provider' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const { port } = JSON.parse(await firstLine(child, 's3rver'));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    credentials: S3RVER_CREDENTIALS,
    directory,
    async stop() {
      await stopChild(child);
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** A free TCP port on loopback (closed again before returning). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Whether the `etcd` binary is installed (`.ci/run` installs Debian's etcd-server). */
export function hasEtcd() {
  return spawnSync('etcd', ['--version']).status === 0;
}

/** Starts a single-member etcd in a temporary data dir; resolves to its endpoint and a `stop()`. */
export async function startEtcd() {
  const dataDir = mkdtempSync(join(tmpdir(), 'lcs-etcd-'));
  for (let attempt = 0; ; attempt++) {
    const [client, peer] = [await freePort(), await freePort()];
    const endpoint = `http://127.0.0.1:${client}`;
    const child = spawn(
      'etcd',
      [
        '--name',
        'test',
        '--data-dir',
        dataDir,
        '--listen-client-urls',
        endpoint,
        '--advertise-client-urls',
        endpoint,
        '--listen-peer-urls',
        `http://127.0.0.1:${peer}`,
        '--initial-advertise-peer-urls',
        `http://127.0.0.1:${peer}`,
        '--initial-cluster',
        `test=http://127.0.0.1:${peer}`,
        '--log-level',
        'error',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const ready = await waitForHealth(endpoint, child);
    if (ready) {
      return {
        endpoint,
        hostPort: `127.0.0.1:${client}`,
        async stop() {
          await stopChild(child);
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    }
    await stopChild(child);
    if (attempt >= 2) throw new Error(`etcd did not start: ${stderr}`);
  }
}

async function waitForHealth(endpoint, child) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      const response = await fetch(`${endpoint}/health`);
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** Starts Debian's prometheus-pushgateway on a random loopback port; resolves to its endpoint and `stop()`. */
export async function startPushgateway() {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(
    'prometheus-pushgateway',
    [`--web.listen-address=127.0.0.1:${port}`, '--log.level=error'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      if ((await fetch(`${endpoint}/-/ready`)).ok)
        return { endpoint, stop: () => stopChild(child) };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stopChild(child);
  throw new Error('prometheus-pushgateway did not start');
}

export { buildCrate, startRegistrySimulator } from './registry-simulator.mjs';

/** Serves every repository under `root` over git smart HTTP (receive-pack on) at `${url}/<repo>`. */
export async function startGitServer(root) {
  const { serveGit } = await import('./git-http.mjs');
  const server = createHttpServer((req, res) =>
    serveGit(root, new URL(req.url ?? '/', 'http://x').pathname, req, res),
  );
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${server.address().port}`,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export { cleanNpmEnv, startVerdaccio } from './verdaccio.mjs';
export { messagesOf } from './cli-output.mjs';
