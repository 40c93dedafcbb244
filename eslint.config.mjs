// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['node_modules/**', '.stratum/**', 'coverage/**', 'dist/**', 'bin/**', 'scripts/**', '*.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Workflow code, and sdk/protocol/ (the only sdk code it imports), is bundled into Temporal's
    // deterministic sandbox: no Node built-ins, no I/O libraries, no user code, no activities
    // implementation (types only). test/unit/workflow-bundle.test.ts checks the built bundle.
    files: ['workflows/**/*.ts', 'sdk/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Node built-ins are not allowed in workflow code.' })),
          patterns: [
            { group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing'], message: 'Workflows may import only @temporalio/workflow and @temporalio/common.' },
            { group: ['better-sqlite3', 'pg', 'kysely', 'zod', 'commander', 'tsx', 'cron-parser'], message: 'No I/O or heavy libraries in workflow code.' },
            { group: ['**/activities/**', '**/worker/**', '**/cli/**', '**/client/**', '**/examples/**', '**/catalog/**'], allowTypeImports: true, message: 'Workflows import activities and the catalog as types only, and never user code.' },
            { regex: '^(\\.\\./)+(sdk/(?!protocol/)|definitions/|planning/|versions/|automation/|partitions/|errors/)', allowTypeImports: true, message: 'Workflow code imports only sdk/protocol/ at run time (types from elsewhere are fine).' },
          ],
        },
      ],
    },
  },
);
