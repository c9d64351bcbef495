import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeGlobals = {
  process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly',
  setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly',
  fetch: 'readonly', AbortController: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly',
};

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'dist/', 'web/dist/', 'coverage/', 'docs/screenshots/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: nodeGlobals },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // Workflow code must replay deterministically: no clocks, randomness, timers or I/O.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error',
        { name: 'setTimeout', message: 'use sleep() from @temporalio/workflow' },
        { name: 'setInterval', message: 'use sleep() from @temporalio/workflow' },
        { name: 'console', message: 'use log from @temporalio/workflow' },
        { name: 'fetch', message: 'I/O belongs in activities' },
        { name: 'process', message: 'workflows may not read the environment' },
      ],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'time comes from workflow inputs or the SDK' },
        { object: 'Math', property: 'random', message: 'use uuid4() from @temporalio/workflow' },
      ],
      'no-restricted-syntax': ['error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'new Date() reads the clock' },
      ],
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:*', 'fs', 'path', 'pg', 'kysely', 'kysely-*', 'nodemailer', 'express', 'zod', 'pino', '@electric-sql/*', 'chinese-days'], message: 'workflows import no I/O or schema-building modules' },
          { group: ['**/src/schemas/**', '**/src/store/**', '**/src/api/**', '**/activities/*.js', '!**/activities/index.js'], message: 'workflows import only src/domain and activity types' },
          { group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity'], message: 'workflows import @temporalio/workflow only' },
        ],
      }],
    },
  },
);
