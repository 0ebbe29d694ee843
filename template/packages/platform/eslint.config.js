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
      // The platform is configured by its callers: what it needs is a parameter, never the environment.
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Take the value as a parameter from the deployable.' },
      ],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // Fastify plugins and handlers, and the methods of a promise-returning interface (the broker's
      // ping, a test handler), are async so that what they throw becomes a rejection, whether or not
      // they await anything.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests and their helpers find the services they run against in the environment (REDIS_URL…).
    // Vitest's asymmetric matchers (expect.any, expect.objectContaining…) are typed `any`.
    files: ['test/**/*.ts'],
    rules: { 'no-restricted-properties': 'off', '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  {
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
