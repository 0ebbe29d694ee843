// @ts-check
// The lint rules of the project's TypeScript, written once: every deployable's eslint.config.js is
// deployableLintConfig(), and this package's own is platformLintConfig().
import eslint from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import { PROCESSES } from './processes.js';

/** The entry points of a deployable's processes, which hand process.env to the configuration loader. */
const ENTRY_POINTS = PROCESSES.map((name) => `src/${name}.ts`);

/**
 * Type-checked rules (typescript-eslint's strict and stylistic sets) for the TypeScript under
 * `rootDir`, where reading process.env is an error with `envMessage`.
 * @param {string} rootDir
 * @param {string} envMessage
 */
function typeCheckedConfig(rootDir, envMessage) {
  return [
    eslint.configs.recommended,
    tseslint.configs.strictTypeChecked,
    tseslint.configs.stylisticTypeChecked,
    {
      languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: rootDir } },
      rules: {
        'no-restricted-properties': ['error', { object: 'process', property: 'env', message: envMessage }],
        '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
        // Fastify plugins and handlers, and the methods of a promise-returning interface, are async
        // so that what they throw becomes a rejection, whether or not they await anything.
        '@typescript-eslint/require-await': 'off',
      },
    },
    {
      // Vitest's asymmetric matchers (expect.any, expect.stringMatching…) are typed `any`.
      files: ['test/**/*.ts'],
      rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
    },
    {
      files: ['**/*.js', '**/*.cjs'],
      extends: [tseslint.configs.disableTypeChecked],
    },
  ];
}

/**
 * A deployable's configuration (`rootDir`: its folder). Configuration is read once, validated and
 * passed down (src/infrastructure/config): only the entry points, the tests and the load test read
 * process.env.
 * @param {string} rootDir
 */
export function deployableLintConfig(rootDir) {
  return defineConfig(
    // In the monolith, packages/platform sits inside the deployable's folder: a workspace with its own
    // configuration, linted by its own `npm run lint`.
    { ignores: ['dist/', 'coverage/', 'packages/'] },
    ...typeCheckedConfig(rootDir, 'Read configuration from the Config object instead.'),
    {
      files: [...ENTRY_POINTS, 'test/**/*.ts', 'bench/**/*.ts', 'ecosystem.config.cjs'],
      rules: { 'no-restricted-properties': 'off' },
    },
    {
      // PM2 loads its ecosystem file with require(): CommonJS (require, module), run by Node.
      files: ['**/*.cjs'],
      languageOptions: { sourceType: 'commonjs', globals: { __dirname: 'readonly', process: 'readonly' } },
      rules: { '@typescript-eslint/no-require-imports': 'off' },
    },
  );
}

/**
 * This package's configuration. The platform is configured by its callers: what it needs is a
 * parameter, never the environment; its tests and their helpers find the services they run against in
 * the environment (REDIS_URL…).
 * @param {string} rootDir
 */
export function platformLintConfig(rootDir) {
  return defineConfig(
    { ignores: ['dist/', 'coverage/'] },
    ...typeCheckedConfig(rootDir, 'Take the value as a parameter from the deployable.'),
    // The test setup hands the PGlite snapshot it makes to the tests through the environment.
    { files: ['test/**/*.ts', 'tooling/pglite-snapshot.js'], rules: { 'no-restricted-properties': 'off' } },
  );
}
