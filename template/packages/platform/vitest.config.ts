import { defineConfig } from 'vitest/config';
import { PGLITE_SNAPSHOT_SETUP } from './tooling/vitest-config.js';

export default defineConfig({
  test: { include: ['test/**/*.test.ts'], globalSetup: [PGLITE_SNAPSHOT_SETUP] },
});
