// The house rules review would miss, run by `npm test` beside the typecheck:
// no floating promises (an un-awaited activity or publish is a silent bug), no Node built-ins and
// no zod values in workflow code (Temporal's sandbox; zod costs ~13 ms of CPU per workflow), no
// process.env in libraries (they take options; config loaders and service mains read it), and
// a line length.
import tseslint from 'typescript-eslint';

/** Files that run in Temporal's workflow sandbox. */
const WORKFLOW_CODE = [
  'packages/workflow-kit/src/workflows/**/*.ts',
  'packages/workflow-kit/src/definitions.ts',
  'packages/workflow-kit/src/workflow.ts',
  'workflows/*/src/workflow.ts',
  'workflows/*/src/definition.ts',
  'workflows/*/src/policies.ts',
  'workflows/*/src/rules.ts',
  'workflows/*/src/patches.ts',
  'workflows/*/src/events.ts',
];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '.baton/**',
      '**/.generated/**',
      '**/json-schema/**',
      'eslint.config.js',
    ],
  },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      // node:test's describe/it return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      'max-len': [
        'error',
        {
          code: 120,
          ignoreStrings: true,
          ignoreTemplateLiterals: true,
          ignoreUrls: true,
          ignoreRegExpLiterals: true,
          ignoreComments: false,
        },
      ],
    },
  },
  {
    files: WORKFLOW_CODE,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*'],
              message: 'workflow code runs in the Temporal sandbox: no Node built-ins (use an activity)',
            },
            {
              group: [
                '@temporalio/client',
                '@temporalio/worker',
                '@temporalio/activity',
                '@baton/bus',
                '@baton/agent',
                '@baton/telemetry',
              ],
              message: 'workflow code does no I/O: use an activity',
            },
          ],
        },
      ],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'zod', message: 'no zod values in workflow code: import types only', allowTypeImports: true },
          ],
          patterns: [
            {
              group: ['./contracts.js', '@baton/contracts'],
              message: 'contracts hold zod values: import their types only (`import type`)',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    // A workflow folder uses the author's surface; the kit's internal entry is the platform's.
    files: ['workflows/**/*.ts'],
    ignores: WORKFLOW_CODE,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@baton/workflow-kit/internal'],
              message: "a workflow uses @baton/workflow-kit (the author's surface); /internal is the platform's",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/*/src/**/*.ts'],
    ignores: [
      'packages/*/src/**/config.ts',
      'packages/contracts/src/hosting.ts',
      'packages/*/src/main.ts',
      'packages/testkit/**',
    ],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'libraries take options: read the environment in a config loader or a service main.ts',
        },
      ],
    },
  },
);
