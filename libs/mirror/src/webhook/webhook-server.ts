/**
 * The fetcher's HTTP server (the docs.rs RFC's `/_/index-webhook`): `POST /_/index-webhook` starts
 * a sync in the background (202) when its HMAC signature is valid (401 otherwise, nothing starts);
 * `GET /healthz` (the process serves), `GET /readyz` (the server takes hooks: 503 only once it is
 * shutting down; the last sync's outcome is in the body, not the status, so a failed sync never
 * stops the Service from routing hooks here), `GET /metrics`. Bodies are capped (413, also for a
 * chunked body), responses carry defensive headers. Paths under `/api/` go to the read API when one
 * is given.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { SyncScheduler } from '../sync/sync-scheduler.js';
import { verifySignature } from './webhook-signature.js';

/** Options of {@link createWebhookServer}. */
export interface WebhookServerOptions {
  readonly scheduler: SyncScheduler;
  /** The shared secret (`LCS_WEBHOOK_SECRET`); without one the hook is refused (403) unless `allowUnsigned`. */
  readonly secret?: string;
  readonly allowUnsigned?: boolean;
  /** Largest request body, bytes (default 64 KiB; GitHub push payloads are capped at 25 MB, but this hook ignores the payload). */
  readonly maxBodyBytes?: number;
  /** Serves `/metrics` (the metrics registry's handler). */
  readonly metrics?: (request: IncomingMessage, response: ServerResponse) => Promise<void>;
  /**
   * Serves the paths under `/api/` (the read API of `@lcs/snapshot`); resolves `true` when it
   * answered the request.
   */
  readonly api?: (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;
  /** Logs requests that were refused or started a sync. */
  readonly log?: (
    level: 'info' | 'warn',
    message: string,
    fields?: Record<string, unknown>,
  ) => void;
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'application/json',
    ...headers,
  });
  response.end(`${JSON.stringify(body)}\n`);
}

/**
 * Reads the body up to `limit` bytes; `undefined` when it is larger. An oversize body is not cut
 * with a reset (the client would never see the 413): what follows is read and discarded, up to a
 * bound, while the 413 goes out with `connection: close`.
 */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    const chunks: Buffer[] = [];
    let size = 0;
    const discard = () => {
      request.removeAllListeners('data');
      let drained = 0;
      request.on('data', (chunk: Buffer) => {
        drained += chunk.length;
        if (drained > 16 * limit) request.destroy();
      });
      request.resume();
      resolve(undefined);
    };
    if (declared > limit) return discard();
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) discard();
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** Creates (does not start) the server. */
export function createWebhookServer(options: WebhookServerOptions): Server {
  const limit = options.maxBodyBytes ?? 64 * 1024;
  const log = options.log ?? (() => undefined);
  return createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const handle = async () => {
      if (path?.startsWith('/api/') && options.api && (await options.api(request, response)))
        return;
      if (path === '/_/index-webhook') {
        if (request.method !== 'POST')
          return send(response, 405, { error: 'use POST' }, { allow: 'POST' });
        const body = await readBody(request, limit);
        if (!body) {
          log('warn', 'webhook refused: body too large', { limit });
          return send(
            response,
            413,
            { error: `body over ${limit} bytes` },
            { connection: 'close' },
          );
        }
        if (!options.secret && !options.allowUnsigned) {
          log('warn', 'webhook refused: no secret configured');
          return send(response, 403, { error: 'webhook disabled: no secret configured' });
        }
        if (
          options.secret &&
          !verifySignature(
            options.secret,
            body,
            request.headers['x-hub-signature-256'] as string | undefined,
          )
        ) {
          log('warn', 'webhook refused: bad or missing signature', {
            remote: request.socket.remoteAddress,
          });
          return send(response, 401, { error: 'bad or missing X-Hub-Signature-256' });
        }
        const outcome = options.scheduler.trigger('webhook');
        log('info', `webhook: sync ${outcome}`);
        return send(response, 202, { sync: outcome });
      }
      if (request.method !== 'GET' && request.method !== 'HEAD')
        return send(response, 405, { error: 'method not allowed' }, { allow: 'GET, HEAD' });
      if (path === '/healthz') return send(response, 200, { ok: true });
      if (path === '/readyz') {
        const state = options.scheduler.state;
        const ready = !state.closed;
        return send(response, ready ? 200 : 503, {
          ready,
          running: state.running,
          queued: state.queued,
          waiting_for_lock: state.waitingForLock,
          runs: state.runs,
          last_sync_ok: state.runs === 0 ? null : state.lastError === undefined,
          last_finished_at: state.lastFinishedAt ?? null,
        });
      }
      if (path === '/metrics' && options.metrics) return options.metrics(request, response);
      return send(response, 404, { error: 'not found' });
    };
    handle().catch((error: unknown) => {
      log('warn', `request failed: ${(error as Error).message}`);
      if (!response.headersSent) send(response, 500, { error: 'internal error' });
      else response.destroy();
    });
  });
}
