// @ts-check
// The Vitest settings of every deployable, so that their suites run alike.
import { fileURLToPath, URL } from 'node:url';
import { defineConfig } from 'vitest/config';

// Makes (once) the fresh PGlite cluster the tests' embedded databases start from.
export const PGLITE_SNAPSHOT_SETUP = fileURLToPath(new URL('pglite-snapshot.js', import.meta.url));

export function deployableTestConfig() {
  return defineConfig({
    // The workspace packages (the platform, and the contracts where there are several deployables) are
    // imported from their sources: tests need no build.
    resolve: { conditions: ['source'] },
    ssr: { resolve: { conditions: ['source'] } },
    test: {
      include: ['test/**/*.test.ts'],
      globalSetup: [PGLITE_SNAPSHOT_SETUP],
      // PGlite takes most of a second to start from that snapshot, more on a busy machine, and bcrypt
      // (cost 12) about 0.25 s per hash; the process tests start a service through tsx, with
      // OpenTelemetry, which takes a few seconds.
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  });
}
