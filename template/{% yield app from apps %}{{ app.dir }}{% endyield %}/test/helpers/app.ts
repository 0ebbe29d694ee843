import { buildApp, type App } from '../../src/app.js';
import type { Cache } from '../../src/infrastructure/cache/cache.js';
import { createMemoryCache } from '../../src/infrastructure/cache/memory-cache.js';
import { createCpuPool, type CpuPool } from '../../src/infrastructure/cpu/cpu-pool.js';
import type { Database } from '../../src/infrastructure/database/database.js';
import { createInProcessJobRuntime } from '../../src/infrastructure/jobs/in-process-jobs.js';
import type { JobRuntime } from '../../src/infrastructure/jobs/jobs.js';
import type { Mailer } from '../../src/infrastructure/mail/mailer.js';
import { createLogger, type Logger } from '../../src/infrastructure/observability/logger.js';
import type { Redis } from '../../src/infrastructure/redis/redis.js';
import type { PasswordHasher } from '../../src/infrastructure/security/password-hasher.js';
import { testConfig } from './config.js';
import { RecordingMailer } from './fakes.js';

export interface TestAppOptions {
  readonly database: Database;
  /** Environment variables on top of the test defaults. */
  readonly env?: Record<string, string>;
  readonly logger?: Logger;
  readonly passwordHasher?: PasswordHasher;
  readonly readDatabase?: Database;
  readonly redis?: Redis;
  /** Default: an in-memory cache. */
  readonly cache?: Cache;
  /** Default: the in-process runner (closed with the app). */
  readonly jobs?: JobRuntime;
  /** Default: a RecordingMailer. */
  readonly mailer?: Mailer;
  /** Default: a one-thread pool (closed with the app). */
  readonly cpuPool?: CpuPool;
}

/** The real application, ready for `app.inject()`; close it in afterAll. */
export async function buildTestApp(options: TestAppOptions): Promise<App> {
  const config = testConfig(options.env);
  const logger = options.logger ?? createLogger(config.log);
  const owned: { close(): Promise<void> }[] = [];
  const own = <T extends { close(): Promise<void> }>(resource: T): T => {
    owned.push(resource);
    return resource;
  };

  const app = await buildApp({
    config,
    database: options.database,
    readDatabase: options.readDatabase,
    redis: options.redis,
    logger,
    cache: options.cache ?? createMemoryCache(config.cache),
    jobs: options.jobs ?? own(createInProcessJobRuntime({ ...config.jobs, logger })),
    mailer: options.mailer ?? new RecordingMailer(),
    cpuPool: options.cpuPool ?? own(createCpuPool({ maxThreads: 1 })),
    passwordHasher: options.passwordHasher,
  });
  app.addHook('onClose', async () => {
    await Promise.all(owned.map((resource) => resource.close()));
  });
  await app.ready();
  return app;
}
