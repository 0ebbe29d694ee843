/**
 * The test values every deployable's configuration starts from (a deployable ignores the variables
 * it does not read). DATABASE_URL passes through, so `DATABASE_URL=… npm test` runs the database tests
 * on a real PostgreSQL (REDIS_URL is read by the tests that use Redis, see helpers/redis.ts), and
 * PGlite starts from the PGLITE_SNAPSHOT the test setup made (tooling/pglite-snapshot.js). Rate
 * limits are high except where a test lowers them; retries are quick. LOG_LEVEL=debug shows the
 * application logs.
 */
export const TEST_ENV: Readonly<Record<string, string | undefined>> = {
  NODE_ENV: 'test',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
  DATABASE_URL: process.env.DATABASE_URL,
  PGLITE_SNAPSHOT: process.env.PGLITE_SNAPSHOT,
  DATABASE_POOL_MAX: '2',
  RATE_LIMIT_MAX: '10000',
  AUTH_RATE_LIMIT_MAX: '10000',
  JOB_BACKOFF_MS: '10',
  // Off unless a test turns it on: test files start databases and servers and compile code in
  // parallel, which stalls the event loop now and then, and requests must not be shed for it.
  MAX_EVENT_LOOP_DELAY_MS: '0',
};
