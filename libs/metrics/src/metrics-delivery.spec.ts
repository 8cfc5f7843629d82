/** The three ways metrics leave a process: /metrics, a real Pushgateway, and a textfile. */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPushgateway, type TestServer } from '../../../tools/test-servers/index.mjs';
import { MetricsError } from './errors.js';
import { FetcherMetrics } from './fetcher-metrics.js';
import { MetricsRegistry } from './metrics-registry.js';

let gateway: TestServer;
const dir = mkdtempSync(join(tmpdir(), 'lcs-metrics-'));
beforeAll(async () => {
  gateway = await startPushgateway();
});
afterAll(async () => {
  await gateway.stop();
  rmSync(dir, { recursive: true, force: true });
});

function run(outcome: 'success' | 'failure', downloaded: number) {
  const registry = new MetricsRegistry();
  const metrics = new FetcherMetrics(registry, { perCrateVersions: false });
  for (let i = 0; i < downloaded; i++) metrics.downloaded(100);
  metrics.finished(outcome, 1);
  return registry;
}

describe('metrics delivery', () => {
  it('serves GET /metrics with the exposition content type, and 404 elsewhere', async () => {
    const server = await run('success', 2).serve(0, '127.0.0.1');
    try {
      const response = await fetch(`http://127.0.0.1:${server.port}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4');
      expect(await response.text()).toContain('downloaded_crates_total 2');
      expect((await fetch(`http://127.0.0.1:${server.port}/other`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('refuses a port in use with METRICS_SERVE_FAILED', async () => {
    const first = await run('success', 0).serve(0, '127.0.0.1');
    try {
      const error = await run('success', 0)
        .serve(first.port, '127.0.0.1')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MetricsError);
      expect((error as MetricsError).code).toBe('METRICS_SERVE_FAILED');
    } finally {
      await first.close();
    }
  });

  it('pushes to a Pushgateway; a failed run keeps the last success of the run before it', async () => {
    const grouping = { instance: 'test' };
    await run('success', 3).push(gateway.endpoint, { job: 'lcs-fetcher', groupings: grouping });
    const afterSuccess = await (await fetch(`${gateway.endpoint}/metrics`)).text();
    const success =
      /lcs_fetcher_last_success_timestamp_seconds\{instance="test",job="lcs-fetcher"\} (\S+)/.exec(
        afterSuccess,
      )?.[1];
    expect(success).toBeDefined();
    expect(afterSuccess).toMatch(/downloaded_crates_total\{instance="test",job="lcs-fetcher"\} 3/);

    await run('failure', 1).push(gateway.endpoint, { job: 'lcs-fetcher', groupings: grouping });
    const afterFailure = await (await fetch(`${gateway.endpoint}/metrics`)).text();
    expect(afterFailure).toMatch(/downloaded_crates_total\{instance="test",job="lcs-fetcher"\} 1/);
    expect(afterFailure).toMatch(
      /lcs_fetcher_last_run_outcome\{instance="test",job="lcs-fetcher",outcome="failure"\} 1/,
    );
    expect(afterFailure).toContain(
      `lcs_fetcher_last_success_timestamp_seconds{instance="test",job="lcs-fetcher"} ${success}`,
    );
  });

  it('reports an unreachable Pushgateway with METRICS_PUSH_FAILED naming the URL', async () => {
    const error = await run('success', 0)
      .push('http://127.0.0.1:9', { job: 'x', timeoutMs: 2000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MetricsError);
    expect((error as MetricsError).code).toBe('METRICS_PUSH_FAILED');
    expect((error as MetricsError).input).toBe('http://127.0.0.1:9');
  });

  it('writes a textfile for node_exporter atomically, leaving no temporary file', async () => {
    const path = join(dir, 'textfile', 'lcs_fetcher.prom');
    await run('success', 4).writeTextfile(path);
    await run('success', 5).writeTextfile(path);
    expect(readFileSync(path, 'utf8')).toContain('downloaded_crates_total 5');
    expect(readdirSync(join(dir, 'textfile'))).toEqual(['lcs_fetcher.prom']);
  });
});
