// The vitest settings every project shares. The JSON report path is a contract with
// tools/run-tests.mjs, which sums these reports into the closing `tests: N passed, ...` line.
import { relative, resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

const ROOT = resolve(import.meta.dirname, '..');

/** Vitest config for the project in `dir` (pass `import.meta.dirname`). */
export function vitestProject(dir) {
  const rel = relative(ROOT, dir);
  return defineConfig({
    root: dir,
    cacheDir: resolve(ROOT, 'node_modules/.vite', rel),
    // Workspace packages resolve to their sources while testing (see tsconfig.base.json customConditions).
    resolve: { conditions: ['@lcs/source'] },
    ssr: { resolve: { conditions: ['@lcs/source'] } },
    test: {
      name: rel,
      environment: 'node',
      include: ['src/**/*.spec.ts'],
      reporters: ['default', 'json'],
      outputFile: { json: './test-output/vitest-report.json' },
      testTimeout: 60_000,
      hookTimeout: 120_000,
    },
  });
}
