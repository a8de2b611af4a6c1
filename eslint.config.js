// @ts-check
// Lint holds the layers (style.md §10): the renderer may import only contract *types* from
// the main process, main-process-only modules are banned there, and @electron/remote is banned
// everywhere because it defeats the sandbox a secret vault depends on.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import prettier from 'eslint-config-prettier'

const bannedEverywhere = [
  { name: '@electron/remote', message: '@electron/remote defeats the renderer sandbox.' },
]

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'release/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      'bench-results/**',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { attributes: false } },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: bannedEverywhere,
          patterns: [
            {
              group: ['@electron/remote/*'],
              message: '@electron/remote defeats the renderer sandbox.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...bannedEverywhere,
            {
              name: 'electron',
              message: 'The renderer talks to main only through window.keywarden.',
            },
            { name: 'better-sqlite3', message: 'Storage lives in the main process.' },
            { name: 'libsodium-wrappers-sumo', message: 'Crypto lives in the main process.' },
            { name: 'libsodium-wrappers', message: 'Crypto lives in the main process.' },
          ],
          patterns: [
            {
              group: ['node:*'],
              message: 'Node built-ins do not exist in the sandboxed renderer.',
            },
            {
              group: ['**/src-main/**', '!**/src-main/ipc/contract'],
              message: 'The renderer may import only the IPC contract from src-main.',
            },
            {
              group: ['**/src-main/ipc/contract'],
              allowTypeImports: true,
              message:
                'Import the contract with `import type`: no main-process code in the renderer.',
            },
          ],
        },
      ],
    },
  },
  prettier,
)
