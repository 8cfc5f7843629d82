/**
 * The one prom-client registry of a process and the three ways its metrics leave it: scraped at
 * `/metrics` (a long-running server, or a CronJob during its run), pushed to a Pushgateway at the
 * end of a run, or written for node_exporter's textfile collector.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { Pushgateway, Registry, type Metric } from 'prom-client';
import { MetricsError } from './errors.js';

/** Options of {@link MetricsRegistry.push}. */
export interface PushOptions {
  /** Pushgateway job label (e.g. `lcs-fetcher`). */
  readonly job: string;
  /** Extra grouping labels (e.g. `{ instance: 'prod' }`). */
  readonly groupings?: Readonly<Record<string, string>>;
  /** Request timeout (default 10 s). */
  readonly timeoutMs?: number;
}

/** A `/metrics` endpoint started by {@link MetricsRegistry.serve}. */
export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

/** A process's metrics. Recorders (`FetcherMetrics`, `BackfillerMetrics`) register into it. */
export class MetricsRegistry {
  readonly #registry = new Registry();

  /** @param defaultLabels labels added to every series (keep them few and bounded). */
  constructor(defaultLabels: Readonly<Record<string, string>> = {}) {
    this.#registry.setDefaultLabels({ ...defaultLabels });
  }

  /** @internal Registers a metric built by a recorder of this library. */
  register<T extends Metric>(metric: T): T {
    this.#registry.registerMetric(metric);
    return metric;
  }

  /** @internal Whether a metric of that name is registered. */
  has(name: string): boolean {
    return this.#registry.getSingleMetric(name) !== undefined;
  }

  /** The exposition's content type (Prometheus text format 0.0.4). */
  get contentType(): string {
    return this.#registry.contentType;
  }

  /** Every metric in the Prometheus text format. */
  async exposition(): Promise<string> {
    return this.#registry.metrics();
  }

  /** A request handler answering `GET /metrics` (and `HEAD`); anything else is the caller's. */
  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await this.exposition();
    response.writeHead(200, { 'content-type': this.contentType, 'cache-control': 'no-store' });
    response.end(request.method === 'HEAD' ? undefined : body);
  }

  /** Serves `GET /metrics` on `port` (0: a free one) until `close()`. */
  async serve(port: number, host = '0.0.0.0'): Promise<MetricsServer> {
    const server = createServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0];
      if (path === '/metrics' && (request.method === 'GET' || request.method === 'HEAD')) {
        this.handle(request, response).catch(() => response.writeHead(500).end());
      } else {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics\n');
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) =>
        reject(
          new MetricsError(
            'METRICS_SERVE_FAILED',
            `${host}:${port}`,
            `cannot serve /metrics on ${host}:${port}: ${error.message}`,
            { cause: error },
          ),
        ),
      );
      server.listen(port, host, resolve);
    });
    return {
      port: (server.address() as AddressInfo).port,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }

  /**
   * Pushes every metric to a Pushgateway with `POST` (prom-client's `pushAdd`): series of the same
   * names in the group are replaced, others kept. A metric that is not registered (the last-success
   * timestamp after a failed run) is therefore left as the last successful run pushed it.
   */
  async push(url: string, options: PushOptions): Promise<void> {
    const gateway = new Pushgateway(url, { timeout: options.timeoutMs ?? 10_000 }, this.#registry);
    let status: number;
    try {
      const { resp } = await gateway.pushAdd({
        jobName: options.job,
        groupings: { ...options.groupings },
      });
      status = (resp as { statusCode?: number } | undefined)?.statusCode ?? 0;
    } catch (error) {
      throw new MetricsError(
        'METRICS_PUSH_FAILED',
        url,
        `push to Pushgateway ${url} failed: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (status >= 300)
      throw new MetricsError(
        'METRICS_PUSH_FAILED',
        url,
        `push to Pushgateway ${url} failed: HTTP ${status}`,
      );
  }

  /**
   * Writes the exposition for node_exporter's textfile collector: to a temporary file in the same
   * directory, renamed over `path`, so the collector never reads half a file. `path` must end in
   * `.prom` to be collected.
   */
  async writeTextfile(path: string): Promise<void> {
    const temp = join(dirname(path), `.${randomBytes(6).toString('hex')}.prom.tmp`);
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(temp, await this.exposition());
      await rename(temp, path);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw new MetricsError(
        'METRICS_TEXTFILE_FAILED',
        path,
        `cannot write metrics textfile ${path}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
}
