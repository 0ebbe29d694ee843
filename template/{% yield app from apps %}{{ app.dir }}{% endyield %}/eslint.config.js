// @ts-check
import eslint from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/', 'coverage/'] },
  eslint.configs.recommended,
  tseslint.configs.strictTypeChecked,
  tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Configuration is read once, validated, and passed down (src/infrastructure/config).
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration from the Config object instead.' },
      ],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // Fastify plugins and handlers are async by convention (an async handler sends what it
      // returns), whether or not they await anything.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Entry points hand process.env to the configuration loader; tests and the load test build their own.
    files: [
      'src/server.ts',
      'src/worker.ts',
      'src/migrate.ts',
      'src/healthcheck.ts',
      'src/telemetry.ts',
      'test/**/*.ts',
      'bench/**/*.ts',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // Vitest's asymmetric matchers (expect.any, expect.stringMatching…) are typed `any`.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  {
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
