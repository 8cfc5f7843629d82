import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: import.meta.dirname,
  cacheDir: '../../node_modules/.vite/apps/fetcher',
  resolve: { conditions: ['@lcs/source'] },
  ssr: { resolve: { conditions: ['@lcs/source'] } },
  test: {
    name: '@lcs/fetcher',
    environment: 'node',
    include: ['src/**/*.spec.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: './test-output/vitest-report.json' },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
