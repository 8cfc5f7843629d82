/**
 * deploy/prometheus: the rules and the scrape configuration load (`promtool check`), every alert
 * fires and stays quiet where its unit tests say (`promtool test rules`), and every metric the
 * rules name is one the services really export.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { exportedMetricNames, metricsInExpression } from './metric-names.js';

const DIR = resolve(import.meta.dirname, '../prometheus');

function promtool(...args: string[]): string {
  try {
    return execFileSync('promtool', args, { cwd: DIR, encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    throw new Error(`promtool ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
}

describe('Prometheus rules and configuration', () => {
  it('load without errors', () => {
    expect(promtool('check', 'rules', 'lcs-rules.yaml')).toContain('SUCCESS');
    expect(promtool('check', 'config', 'scrape-config.yaml')).toContain('SUCCESS');
  });

  it('pass their promtool unit tests', () => {
    expect(promtool('test', 'rules', 'lcs-rules.test.yaml')).toContain('SUCCESS');
  }, 120_000);

  it('test every alert both firing and not firing', () => {
    const rules = readFileSync(resolve(DIR, 'lcs-rules.yaml'), 'utf8');
    const tests = readFileSync(resolve(DIR, 'lcs-rules.test.yaml'), 'utf8');
    const alerts = [...rules.matchAll(/- alert: (\w+)/g)].map((m) => m[1] ?? '');
    expect(alerts.length).toBeGreaterThanOrEqual(7);
    for (const alert of alerts) {
      const cases = [
        ...tests.matchAll(new RegExp(`alertname: ${alert}\\n\\s+exp_alerts:(.*)`, 'g')),
      ];
      expect(
        cases.some((c) => c[1]?.trim() === '[]'),
        `${alert} never tested quiet`,
      ).toBe(true);
      expect(
        cases.some((c) => c[1]?.trim() === ''),
        `${alert} never tested firing`,
      ).toBe(true);
    }
  });

  it('name only metrics the services export', async () => {
    const exported = await exportedMetricNames();
    const { groups } = parse(readFileSync(resolve(DIR, 'lcs-rules.yaml'), 'utf8')) as {
      groups: Array<{ rules: Rule[] }>;
    };
    const used = groups.flatMap((g) => g.rules.flatMap((r) => metricsInExpression(r.expr)));
    expect(used.length).toBeGreaterThan(5);
    expect(
      used.filter((name) => !exported.has(name) && !['time', 'absent'].includes(name)),
    ).toEqual([]);
  });
});
