/**
 * The metric names a real process exposes, taken from `@lcs/metrics` itself, so rules and
 * dashboards that name a metric the services do not export fail their tests.
 */
import { BackfillerMetrics, FetcherMetrics, MetricsRegistry, VerifyMetrics } from '@lcs/metrics';

/** Every metric family name the fetcher, its scrub and the backfiller expose after a successful run. */
export async function exportedMetricNames(): Promise<Set<string>> {
  const registry = new MetricsRegistry();
  const fetcher = new FetcherMetrics(registry);
  const backfiller = new BackfillerMetrics(registry);
  fetcher.finished('success', 1);
  backfiller.finished('success', 1);
  const verify = new VerifyMetrics(registry);
  verify.completed({ ok: 1, missing: 0, corrupt: 0, unreadable: 0, unexpected: 0 }, 0, 'full');
  verify.finished('success', 1);
  const text = await registry.exposition();
  return new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1] ?? ''));
}

/** Metric names used in a PromQL expression: identifiers that are neither functions nor keywords nor labels. */
export function metricsInExpression(expr: string): string[] {
  const withoutStrings = expr
    .replace(/"[^"]*"|'[^']*'/g, '')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '');
  const keywords = new Set([
    'and',
    'or',
    'unless',
    'on',
    'ignoring',
    'by',
    'without',
    'group_left',
    'group_right',
    'offset',
    'bool',
  ]);
  return [...withoutStrings.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\()?/g)]
    .filter((m) => m[2] === undefined && !keywords.has(m[1] ?? '') && !/^\d/.test(m[1] ?? ''))
    .map((m) => m[1] ?? '')
    .filter((name) => !name.includes(':') && !/^(by|on|without|ignoring)$/.test(name));
}
