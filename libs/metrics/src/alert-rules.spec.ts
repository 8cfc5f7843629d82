/**
 * deploy/prometheus: the rules load (`promtool check rules`) and every alert fires and stays quiet
 * where its unit tests say (`promtool test rules`).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = resolve(import.meta.dirname, '../../../deploy/prometheus');

function promtool(...args: string[]): string {
  try {
    return execFileSync('promtool', args, { cwd: DIR, encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    throw new Error(`promtool ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

describe('alert rules', () => {
  it('load without errors', () => {
    expect(promtool('check', 'rules', 'lcs-rules.yaml')).toContain('SUCCESS');
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
});
