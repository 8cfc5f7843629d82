#!/usr/bin/env node
// `npm test`: every check CI runs, then one closing line summing every project's vitest results:
//   tests: N passed, N failed, N skipped
// Steps: nx sync:check, lint + typecheck + build + test of every project, prettier --check, then the
// runtime matrix: every project's tests again under each Node of tools/runtimes.json (installed on
// demand; LCS_TEST_MATRIX=0 skips it for a quick local run, CI always runs it).
// Each step runs even when an earlier one failed, so one run shows every problem; the exit status
// is non-zero when any step failed or any project produced no test report.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { extraRuntimes, runtimeBinDir } from './node-runtime.mjs';
import { ensureTestPrerequisites } from './test-prerequisites.mjs';

const ROOT = resolve(import.meta.dirname, '..');

// Servers and tools first: as root they are installed; otherwise stop now, naming what is missing.
console.log('==> test prerequisites');
const problems = ensureTestPrerequisites(ROOT);
if (problems.length > 0) {
  console.error(`npm test cannot run yet:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(2);
}
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

/** Sums this run's vitest reports, printing one line per project. */
function collect(label) {
  const total = { label, passed: 0, failed: 0, skipped: 0, missing: [] };
  console.log(`\n==> results by project (${label})`);
  for (const project of projects) {
    if (!existsSync(report(project))) {
      total.missing.push(project);
      console.log(`${project}: no test report`);
      continue;
    }
    const r = JSON.parse(readFileSync(report(project), 'utf8'));
    total.passed += r.numPassedTests;
    total.failed += r.numFailedTests;
    total.skipped += r.numPendingTests + r.numTodoTests;
    console.log(
      `${project}: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`,
    );
  }
  return total;
}

const runs = [collect(`Node ${process.versions.node}`)];
if (process.env['LCS_TEST_MATRIX'] !== '0' || process.env['CI']) {
  for (const [major, version] of Object.entries(extraRuntimes())) {
    const label = `Node ${version}`;
    console.log(`\n==> test under ${label}`);
    for (const project of projects) rmSync(report(project), { force: true });
    let bin;
    try {
      bin = runtimeBinDir(major, version);
    } catch (error) {
      failedSteps.push(`${label}: ${error.message}`);
      continue;
    }
    const started = performance.now();
    const result = spawnSync(nx, ['run-many', '-t', 'test', '--output-style=static'], {
      cwd: ROOT,
      stdio: 'inherit',
      env: {
        NX_DAEMON: 'false',
        ...process.env,
        PATH: `${bin}:${process.env['PATH'] ?? ''}`,
        LCS_TEST_NODE_MAJOR: major,
        LCS_MACHINE_NODE_MAJOR: process.versions.node.split('.')[0],
      },
    });
    if (result.status !== 0) failedSteps.push(`test under ${label}`);
    const run = collect(label);
    run.seconds = Math.round((performance.now() - started) / 1000);
    runs.push(run);
  }
}

console.log('\n==> runtimes');
for (const run of runs)
  console.log(
    `${run.label}: ${run.passed} passed, ${run.failed} failed, ${run.skipped} skipped${run.seconds ? ` (${run.seconds} s)` : ''}${run.missing.length ? `; no test report: ${run.missing.join(', ')}` : ''}`,
  );
const sum = (key) => runs.reduce((n, r) => n + r[key], 0);
const missing = runs.flatMap((r) => r.missing);
if (failedSteps.length > 0) console.log(`failed steps: ${failedSteps.join('; ')}`);
console.log(`tests: ${sum('passed')} passed, ${sum('failed')} failed, ${sum('skipped')} skipped`);
process.exitCode = failedSteps.length > 0 || missing.length > 0 || sum('failed') > 0 ? 1 : 0;
