/**
 * The memory requests and limits of deploy/k8s are the ones docs/deployment.md's memory-budget table states,
 * and that table keeps them honest against the measured peaks: a request at or above the peak, a
 * limit at least 1.5x it. Change a number in one place and this test names the other.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifests } from './k8s-manifests.js';

const ROOT = resolve(import.meta.dirname, '../..');

interface Budget {
  readonly container: string;
  readonly manifest: string;
  readonly peakMiB: number;
  readonly request: string;
  readonly limit: string;
}

/** The rows between docs/deployment.md's memory-budget markers. */
function readmeBudgets(): Budget[] {
  const readme = readFileSync(resolve(ROOT, 'docs/deployment.md'), 'utf8');
  const start = readme.indexOf('<!-- memory-budget:start -->');
  const end = readme.indexOf('<!-- memory-budget:end -->');
  expect(start, 'docs/deployment.md memory-budget markers').toBeGreaterThan(0);
  return readme
    .slice(start, end)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^\|\s*[a-z]/.test(line) && !line.startsWith('| container'))
    .map((line) => {
      const [container = '', manifest = '', peak = '', request = '', limit = ''] = line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim());
      return { container, manifest, peakMiB: Number(peak), request, limit };
    });
}

/** Kubernetes quantities in MiB (only the binary suffixes the manifests use). */
function mib(quantity: string): number {
  const match = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (!match) throw new Error(`unsupported quantity ${quantity}`);
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 : 1);
}

describe('memory budgets', () => {
  const budgets = readmeBudgets();

  it('docs/deployment.md states one for each workload that runs a sync or a backfill', () => {
    expect(budgets.map((b) => b.manifest).sort()).toEqual([
      'backfiller-cronjob.yaml',
      'fetcher-cronjob.yaml',
      'webhook-server.yaml',
    ]);
  });

  it.each(budgets.map((b) => [b.manifest, b] as const))(
    '%s uses the documented request and limit, with headroom over the measured peak',
    (manifest, budget) => {
      const [workload] = loadManifests([resolve(import.meta.dirname, '../k8s', manifest)]).filter(
        (m) => m.kind === 'CronJob' || m.kind === 'Deployment',
      );
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const spec = workload?.body['spec'] as Record<string, any>;
      const pod =
        workload?.kind === 'CronJob'
          ? spec['jobTemplate'].spec.template.spec
          : spec['template'].spec;
      const resources = pod.containers[0].resources as {
        requests: { memory: string };
        limits: { memory: string };
      };
      expect(resources.requests.memory).toBe(budget.request);
      expect(resources.limits.memory).toBe(budget.limit);
      expect(mib(budget.request)).toBeGreaterThanOrEqual(budget.peakMiB);
      expect(mib(budget.limit)).toBeGreaterThanOrEqual(1.5 * budget.peakMiB);
    },
  );
});
