/** deploy/grafana: the dashboard parses, its panels do not overlap, and it queries only exported metrics. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportedMetricNames, metricsInExpression } from './metric-names.js';

interface Panel {
  id: number;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  targets: Array<{ expr: string }>;
}
const dashboard = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../grafana/lcs-dashboard.json'), 'utf8'),
) as { uid: string; panels: Panel[] };

describe('Grafana dashboard', () => {
  it('queries only metrics the services export (or the recording rules define)', async () => {
    const exported = await exportedMetricNames();
    const rules = readFileSync(
      resolve(import.meta.dirname, '../prometheus/lcs-rules.yaml'),
      'utf8',
    );
    const recorded = new Set([...rules.matchAll(/- record: (\S+)/g)].map((m) => m[1]));
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
    expect(exprs.length).toBeGreaterThan(10);
    for (const expr of exprs) {
      const recordedUsed = [...expr.matchAll(/[a-z_]+:[a-z0-9_:]+/g)].map((m) => m[0]);
      expect(
        recordedUsed.filter((r) => !recorded.has(r)),
        expr,
      ).toEqual([]);
      expect(
        metricsInExpression(expr).filter(
          (name) =>
            !exported.has(name) &&
            !['time', 'rate', 'increase', 'sum', 'topk', 'reason'].includes(name),
        ),
        expr,
      ).toEqual([]);
    }
  });

  it('has unique panel ids and no overlapping panels on the 24-column grid', () => {
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const { gridPos: g, title } of dashboard.panels) {
      expect(g.x + g.w, title).toBeLessThanOrEqual(24);
      for (let x = g.x; x < g.x + g.w; x++) {
        for (let y = g.y; y < g.y + g.h; y++) {
          expect(cells.has(`${x},${y}`), `${title} overlaps at ${x},${y}`).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
  });
});
