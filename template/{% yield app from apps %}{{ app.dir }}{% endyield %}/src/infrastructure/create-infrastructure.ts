import { createCache } from './cache/create-cache.js';
import type { Cache } from './cache/cache.js';
import type { Config } from './config/config.js';
import { createCpuPool, type CpuPool } from './cpu/cpu-pool.js';
import { createDatabase, createReadReplica } from './database/create-database.js';
import type { Database } from './database/database.js';
import { createJobRuntime } from './jobs/create-job-runtime.js';
import type { JobRuntime } from './jobs/jobs.js';
import type { Mailer } from './mail/mailer.js';
import { createMailer } from './mail/nodemailer-mailer.js';
import type { Logger } from './observability/logger.js';
import type { ShutdownStep } from './process/graceful-shutdown.js';
import type { Redis } from './redis/redis.js';

/** Everything the API process connects to, as AppDependencies expects it. */
export interface Infrastructure {
  readonly database: Database;
  readonly readDatabase: Database | undefined;
  readonly redis: Redis | undefined;
  readonly cache: Cache;
  readonly jobs: JobRuntime;
  readonly mailer: Mailer;
  readonly cpuPool: CpuPool;
}

/**
 * Creates the API process's connections and pools from the configuration, each with its
 * shutdown step. Steps run in reverse order: the CPU pool and the jobs stop before the mailer,
 * Redis and the databases they use.
 */
export async function createInfrastructure(
  config: Config,
  logger: Logger,
  addShutdownStep: (step: ShutdownStep) => void,
): Promise<Infrastructure> {
  const database = await createDatabase(config.database, logger);
  addShutdownStep({ name: 'database', run: () => database.close() });

  const readDatabase = await createReadReplica(config.database, logger);
  if (readDatabase !== undefined) addShutdownStep({ name: 'database replica', run: () => readDatabase.close() });

  let redis: Redis | undefined;
  if (config.redis.url === undefined) {
    logger.info('REDIS_URL is not set: in-memory cache, jobs run in this process, rate limits per process');
  } else {
    // Loaded only when configured: ioredis is a large module graph (start-up time, memory).
    const { closeRedis, connectRedis } = await import('./redis/redis.js');
    redis = await connectRedis({ url: config.redis.url, connectionName: 'api', waitWhileDisconnected: false }, logger);
    const client = redis;
    addShutdownStep({ name: 'redis', run: () => closeRedis(client) });
  }

  const mailer = createMailer(config.mail, logger);
  addShutdownStep({
    name: 'mailer',
    run: async () => {
      mailer.close();
    },
  });

  const jobs = await createJobRuntime(config, redis, logger);
  addShutdownStep({ name: 'jobs', run: () => jobs.close() });

  const cpuPool = createCpuPool(config.cpuPool);
  addShutdownStep({ name: 'cpu pool', run: () => cpuPool.close() });

  return { database, readDatabase, redis, cache: createCache(config, redis, logger), jobs, mailer, cpuPool };
}
