import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // PGlite takes a couple of seconds to start and bcrypt (cost 12) about 0.25 s per hash.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
