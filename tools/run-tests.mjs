#!/usr/bin/env node
// `npm test`: every check CI runs, then one closing line summing every project's vitest results:
//   tests: N passed, N failed, N skipped
// Steps: nx sync:check, lint + typecheck + build + test of every project, prettier --check.
// Each step runs even when an earlier one failed, so one run shows every problem; the exit status
// is non-zero when any step failed or any project produced no test report.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
// Every workspace project: libs/*, apps/*, and the top-level deploy project.
const projects = [
  ...['libs', 'apps'].flatMap((group) =>
    existsSync(join(ROOT, group))
      ? readdirSync(join(ROOT, group))
          .filter((name) => existsSync(join(ROOT, group, name, 'package.json')))
          .map((name) => join(group, name))
      : [],
  ),
  ...(existsSync(join(ROOT, 'deploy', 'package.json')) ? ['deploy'] : []),
];
const report = (project) => join(ROOT, project, 'test-output', 'vitest-report.json');
for (const project of projects) rmSync(report(project), { force: true });

const nx = join(ROOT, 'node_modules/.bin/nx');
const steps = [
  ['nx sync:check', nx, ['sync:check']],
  [
    'lint, typecheck, build, test',
    nx,
    ['run-many', '-t', 'lint', 'typecheck', 'build', 'test', '--output-style=static'],
  ],
  ['prettier --check', join(ROOT, 'node_modules/.bin/prettier'), ['--check', '.']],
];
const failedSteps = [];
for (const [label, command, args] of steps) {
  console.log(`\n==> ${label}`);
  const result = spawnSync(command, args, {
    cwd: ROOT,
    stdio: 'inherit',
    env: { NX_DAEMON: 'false', ...process.env },
  });
  if (result.status !== 0) failedSteps.push(label);
}

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
console.log('\n==> results by project');
for (const project of projects) {
  if (!existsSync(report(project))) {
    missing.push(project);
    console.log(`${project}: no test report`);
    continue;
  }
  const r = JSON.parse(readFileSync(report(project), 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + r.numTodoTests;
  console.log(
    `${project}: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`,
  );
}
if (failedSteps.length > 0) console.log(`failed steps: ${failedSteps.join('; ')}`);
if (missing.length > 0) console.log(`projects without a test report: ${missing.join(', ')}`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failedSteps.length > 0 || missing.length > 0 || failed > 0 ? 1 : 0;
