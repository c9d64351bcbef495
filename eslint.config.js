import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeGlobals = {
  process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly',
  setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly',
  fetch: 'readonly', AbortController: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly',
};

// Modules that do I/O, and the store's drivers, named once for the layer rules below.
const STORE_DRIVERS = ['kysely', 'kysely-*', 'pg', '@electric-sql/*'];
const IO_MODULES = ['node:*', 'fs', 'path', 'net', 'http', 'https', 'child_process', ...STORE_DRIVERS, 'nodemailer', 'express', 'pino'];

/** One folder's import rules. */
const layer = (files, patterns) => ({ files, rules: { 'no-restricted-imports': ['error', { patterns }] } });

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
    // Workflow code and the pure domain replay deterministically: no clocks, randomness, timers or I/O.
    files: ['workflows/**/*.ts', 'src/domain/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error',
        { name: 'setTimeout', message: 'use sleep() from @temporalio/workflow' },
        { name: 'setInterval', message: 'use sleep() from @temporalio/workflow' },
        { name: 'console', message: 'use log from @temporalio/workflow' },
        { name: 'fetch', message: 'I/O belongs in activities' },
        { name: 'process', message: 'workflows and the domain may not read the environment' },
      ],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'time comes from workflow inputs or the SDK' },
        { object: 'Math', property: 'random', message: 'use uuid4() from @temporalio/workflow' },
      ],
      'no-restricted-syntax': ['error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'new Date() reads the clock' },
      ],
    },
  },
  // ── Layers import one way (docs/architecture.md) ──────────────────────────────────────────────
  // Regexes over the import specifier, so `../api/x.js` from src/services and `../src/api/x.js` from
  // activities/ both match.
  layer(['workflows/**/*.ts'], [
    { group: [...IO_MODULES, 'zod', 'chinese-days'], message: 'workflows import no I/O or schema-building modules' },
    { regex: '(^|/)(schemas|store|api|services|temporal|notifications|calendar)/', message: 'workflows import only src/domain, their messages and activity types' },
    { regex: '(^|/)activities/(?!index\\.js$)', message: 'workflows import activity types from activities/index.js only' },
    { group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity'], message: 'workflows import @temporalio/workflow only' },
  ]),
  layer(['src/domain/**/*.ts'], [
    { group: [...IO_MODULES, 'zod', '@temporalio/*'], message: 'src/domain is pure: no I/O, no schemas, no Temporal' },
    { regex: '(^|/)(schemas|store|api|services|activities|workflows|temporal|calendar|notifications)/', message: 'src/domain imports only src/domain' },
  ]),
  layer(['src/store/**/*.ts'], [
    { regex: '(^|/)(api|services|activities|workflows)/', message: 'the store sees neither the API, services, activities nor workflows' },
    { group: ['@temporalio/*'], message: 'the store knows nothing of Temporal' },
  ]),
  layer(['src/services/**/*.ts'], [
    { group: STORE_DRIVERS, message: 'SQL lives in src/store/repositories' },
    { regex: '(^|/)api/', message: 'services never see HTTP: throw domain errors (src/domain/errors.ts)' },
    { regex: '(^|/)workflows/(?!.*\\.messages\\.js$)', message: 'services reach workflows through their messages modules only' },
    { regex: '(^|/)activities/', message: 'services do not call activities' },
  ]),
  layer(['activities/**/*.ts'], [
    { group: STORE_DRIVERS, message: 'SQL lives in src/store/repositories' },
    { regex: '(^|/)api/', message: 'activities never reach the API layer' },
    { regex: '(^|/)workflows/(?!.*\\.messages\\.js$)', message: 'activities reach workflows through their messages modules only' },
  ]),
  layer(['src/api/**/*.ts'], [
    { group: STORE_DRIVERS, message: 'SQL lives in src/store/repositories' },
    { regex: '(^|/)activities/', message: 'the API starts workflows; it does not call activities' },
    { regex: '(^|/)workflows/(?!.*\\.messages\\.js$)', message: 'the API reaches workflows through their messages modules only' },
  ]),
  layer(['src/api/routes/**/*.ts'], [
    { group: STORE_DRIVERS, message: 'SQL lives in src/store/repositories' },
    { group: ['zod'], message: 'routes take their schemas from src/schemas/<aggregate>.ts' },
    { regex: '(^|/)(store|activities)/', message: 'routes call services; services call repositories' },
    { regex: '(^|/)workflows/(?!.*\\.messages\\.js$)', message: 'routes call services' },
  ]),
  layer(['src/*.ts', 'src/cli/**/*.ts', 'src/temporal/**/*.ts', 'src/notifications/**/*.ts', 'src/calendar/**/*.ts', 'src/import/**/*.ts', 'src/seed/**/*.ts', 'src/schemas/**/*.ts'], [
    { group: STORE_DRIVERS, message: 'SQL lives in src/store' },
  ]),
);
