// Flat config shared by every project. Module boundaries: apps may depend on libs, libs only on libs
// (https://nx.dev/docs/technologies/eslint/eslint-plugin/guides/enforce-module-boundaries).
import nx from '@nx/eslint-plugin';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  { ignores: ['**/dist', '**/out-tsc', '**/test-output', '**/vitest.config.*.timestamp*'] },
  {
    files: ['**/*.ts', '**/*.js'],
    // Build and test configuration may use the shared presets in tools/; module code may not.
    ignores: ['**/vitest.config.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [
            // Only the lib that wraps an SDK imports it; apps reach SDKs through libs.
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: ['type:lib'],
              bannedExternalImports: [
                'isomorphic-git',
                'isomorphic-git/*',
                '@aws-sdk/*',
                'prom-client',
                'etcd3',
                'tar-stream',
                'smol-toml',
              ],
            },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
          ],
        },
      ],
    },
  },
];
