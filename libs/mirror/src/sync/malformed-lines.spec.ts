import { parseIndexFile } from '@lcs/index-reader';
import { MALFORMED_LINE_PROBLEMS } from '@lcs/metrics';
import { describe, expect, it } from 'vitest';
import { MALFORMED_SAMPLE_LIMIT, newMalformedReport, noteMalformed } from './malformed-lines.js';

const good = {
  name: 'demo',
  vers: '1.0.0',
  deps: [],
  cksum: 'a'.repeat(64),
  features: {},
  yanked: false,
};

describe('the malformed-lines report', () => {
  it('names the first lines, counts every line by problem, and bounds what it keeps', () => {
    const report = newMalformedReport();
    const huge = `{${'x'.repeat(1_000_000)}`;
    const lines = Array.from({ length: MALFORMED_SAMPLE_LIMIT + 5 }, (_, i) =>
      i === 0 ? huge : JSON.stringify({ ...good, vers: `v${i}` }),
    );
    noteMalformed(report, parseIndexFile('de/mo/demo', lines.join('\n')).errors);
    expect(report.count).toBe(MALFORMED_SAMPLE_LIMIT + 5);
    expect(report.samples).toHaveLength(MALFORMED_SAMPLE_LIMIT);
    expect(Object.fromEntries(report.byProblem)).toEqual({
      not_json: 1,
      invalid_version: MALFORMED_SAMPLE_LIMIT + 4,
    });
    // A hostile megabyte line is kept as a short excerpt, never whole.
    expect(report.samples[0]).toMatchObject({ file: 'de/mo/demo', line: 1, problem: 'not_json' });
    expect(report.samples[0]?.excerpt.length).toBeLessThanOrEqual(120);
    expect(report.samples[1]?.reason).toBe('vers: "v1" is not a semver version');
  });

  it('every problem the reader gives is a label value of the metric', () => {
    const file = parseIndexFile(
      'de/mo/demo',
      [
        '{',
        JSON.stringify({ ...good, cksum: 1 }),
        JSON.stringify({ ...good, name: '../x' }),
        JSON.stringify({ ...good, name: 'other' }),
        JSON.stringify({ ...good, vers: '1.0' }),
      ].join('\n'),
    );
    const problems = file.errors.map((e) => e.problem);
    expect(new Set(problems).size).toBe(5);
    for (const problem of problems) expect(MALFORMED_LINE_PROBLEMS).toContain(problem);
  });
});
