// Lint for the whole workspace: TypeScript rules, Nx module boundaries (on), no focused/skipped tests.
import nx from '@nx/eslint-plugin';
import jest from 'eslint-plugin-jest';
import prettier from 'eslint-config-prettier';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/react'],
  prettier,
  {
    ignores: [
      '**/dist',
      '**/node_modules',
      '**/.nx',
      '**/.data',
      '**/vite.config.*.timestamp*',
      'libs/db/src/migrations/*.ts',
    ],
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          // Tests start the mock provider in-process; nothing else may import an app.
          allow: ['@gateway/mock-upstream'],
          depConstraints: [
            // type:testing is allowed everywhere for spec files; a rule below keeps it out of production code.
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: [
                'type:schema',
                'type:domain',
                'type:data',
                'type:shared',
                'type:pure',
                'type:testing',
              ],
            },
            {
              sourceTag: 'type:schema',
              onlyDependOnLibsWithTags: ['type:domain', 'type:data', 'type:shared', 'type:testing'],
            },
            {
              sourceTag: 'type:domain',
              onlyDependOnLibsWithTags: [
                'type:domain',
                'type:data',
                'type:shared',
                'type:pure',
                'type:testing',
              ],
            },
            { sourceTag: 'type:data', onlyDependOnLibsWithTags: ['type:shared', 'type:testing'] },
            { sourceTag: 'type:shared', onlyDependOnLibsWithTags: ['type:shared', 'type:testing'] },
            { sourceTag: 'type:pure', onlyDependOnLibsWithTags: ['type:pure', 'type:testing'] },
            {
              sourceTag: 'type:testing',
              onlyDependOnLibsWithTags: [
                'type:schema',
                'type:domain',
                'type:data',
                'type:shared',
                'type:pure',
              ],
            },
            { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:web', 'scope:shared'] },
            { sourceTag: 'scope:api', onlyDependOnLibsWithTags: ['scope:api', 'scope:shared'] },
            { sourceTag: 'scope:worker', onlyDependOnLibsWithTags: ['scope:worker', 'scope:shared'] },
            { sourceTag: 'scope:mock', onlyDependOnLibsWithTags: ['scope:mock', 'scope:shared'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['apps/*/src/**/*.ts', 'libs/*/src/**/*.ts', 'apps/*/src/**/*.tsx'],
    ignores: [
      '**/*.spec.ts',
      '**/*.spec.tsx',
      '**/*.integration-spec.ts',
      '**/*.e2e-spec.ts',
      '**/*.fixtures.ts',
      '**/__fixtures__/**',
      'libs/testing/**',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: '@gateway/testing', message: 'test helpers are for spec files only' }],
          // tsconfig.build.json leaves fixtures out of dist/, so production code importing one would
          // build only by accident (tsc follows the import) and ship test data.
          patterns: [
            {
              group: ['**/*.fixtures', '**/__fixtures__/**'],
              message: 'fixtures are for spec files only',
            },
          ],
        },
      ],
      // ioredis copies every command defined on a client onto each pipeline it builds, one per
      // event-loop turn with auto-pipelining: a script is a LuaScript (@gateway/redis) instead.
      'no-restricted-properties': [
        'error',
        { property: 'defineCommand', message: 'run Lua through LuaScript (@gateway/redis)' },
      ],
    },
  },
  {
    files: [
      '**/*.spec.ts',
      '**/*.integration-spec.ts',
      '**/*.e2e-spec.ts',
      '**/*.spec.tsx',
      '**/test/**/*.ts',
    ],
    plugins: { jest },
    rules: {
      'jest/no-focused-tests': 'error',
      'jest/no-disabled-tests': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
];
