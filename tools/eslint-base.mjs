// Flat config shared by every project. Module boundaries: apps may depend on libs, libs only on libs
// (https://nx.dev/docs/technologies/eslint/eslint-plugin/guides/enforce-module-boundaries).
import nx from '@nx/eslint-plugin';

// Which lib wraps which SDK. Every other project is banned from importing it, so an SDK upgrade or
// swap touches one lib (DEVELOPERS.md: "Only the lib that wraps an SDK imports it").
const SDK_OWNERS = {
  'isomorphic-git': ['index-reader', 'augmented-index'],
  '@aws-sdk/*': ['crate-store'],
  etcd3: ['crate-store'],
  'prom-client': ['metrics'],
  'tar-stream': ['cargo-manifest'],
  'smol-toml': ['cargo-manifest'],
};
/** Import specifiers of the SDKs `lib` does not own (every SDK for an app). */
const bannedFor = (lib) =>
  Object.entries(SDK_OWNERS)
    .filter(([, owners]) => !owners.includes(lib))
    .flatMap(([sdk]) => (sdk.endsWith('/*') ? [sdk] : [sdk, `${sdk}/*`]));
const LIBS = [
  'index-reader',
  'cargo-manifest',
  'crate-store',
  'metrics',
  'mirror',
  'cli-kit',
  'augmented-index',
  'internal',
];
const libConstraints = LIBS.map((lib) => ({
  sourceTag: `scope:${lib}`,
  onlyDependOnLibsWithTags: ['type:lib'],
  bannedExternalImports: bannedFor(lib),
}));

const boundaries = {
  enforceBuildableLibDependency: true,
  allow: [],
  depConstraints: [
    // Only the lib that wraps an SDK imports it; apps reach SDKs through libs.
    {
      sourceTag: 'type:app',
      onlyDependOnLibsWithTags: ['type:lib'],
      bannedExternalImports: bannedFor(undefined),
    },
    { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
    // Deployment tests check manifests and rules against what the libs really export.
    { sourceTag: 'type:deploy', onlyDependOnLibsWithTags: ['type:lib'] },
    ...libConstraints,
  ],
};

const baseConfig = [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  { ignores: ['**/dist', '**/out-tsc', '**/test-output', '**/vitest.config.*.timestamp*'] },
  {
    // Type-aware rules on the TypeScript sources: a promise nobody awaits loses its error (an
    // unhandled rejection ends the process) and its ordering; a promise where a boolean or a
    // void callback is expected is always truthy, or never awaited.
    // https://typescript-eslint.io/rules/no-floating-promises
    files: ['**/src/**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { arguments: false } },
      ],
    },
  },
  {
    files: ['**/*.ts', '**/*.js'],
    // Build and test configuration may use the shared presets in tools/; module code may not.
    ignores: ['**/vitest.config.ts'],
    rules: { '@nx/enforce-module-boundaries': ['error', boundaries] },
  },
  {
    // Tests may start the shared real servers (s3rver, etcd, registry simulator) from tools/, and
    // locate the Node runtimes of the test matrix.
    files: ['**/*.spec.ts', '**/test-support/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          ...boundaries,
          allow: [
            '../../tools/test-servers/**',
            '../../../tools/test-servers/**',
            '../../../../tools/test-servers/**',
            '../../tools/node-runtime.mjs',
            '../../tools/test-prerequisites.mjs',
            '../../tools/pack-and-import.mjs',
            '../../../tools/tsdoc-check.mjs',
            '../../../tools/api-report.mjs',
            '../../../tools/error-codes-check.mjs',
          ],
        },
      ],
    },
  },
];

/** For apps and deploy: `@lcs/internal` is for the libs; a helper an app needs belongs in a lib's door. */
export const appConfig = [
  ...baseConfig,
  {
    files: ['**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: '@lcs/internal', message: 'for @lcs/* libs only; import a lib' }] },
      ],
    },
  },
];

export default baseConfig;
