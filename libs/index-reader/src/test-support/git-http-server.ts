import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveGit } from '../../../../tools/test-servers/git-http.mjs';

/** A running smart-HTTP git server. */
export interface GitHttpServer {
  /** `http://127.0.0.1:<port>`; repositories are at `${url}/<name>`. */
  readonly url: string;
  /** Requests served so far, as `METHOD path?query`. */
  readonly requests: string[];
  close(): Promise<void>;
}

/**
 * Serves every repository under `root` over git's smart HTTP protocol (the real `git http-backend`
 * through tools/test-servers/git-http.mjs) on a random loopback port, logging each request.
 */
export async function startGitHttpServer(root: string): Promise<GitHttpServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    serveGit(root, url.pathname, req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
