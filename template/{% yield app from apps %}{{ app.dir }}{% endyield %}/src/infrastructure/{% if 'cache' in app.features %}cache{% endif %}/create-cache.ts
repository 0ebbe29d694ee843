import type { Logger } from '#platform/observability/logger';
import type { ShutdownStep } from '#platform/process/graceful-shutdown';
import type { Redis } from '#platform/redis/redis';
import type { Config } from '../config/config.js';
import type { Cache } from './cache.js';
import { createMemoryCache } from './memory-cache.js';
import { withNearCache } from './near-cache.js';
import { createRedisCache } from './redis-cache.js';
import { followInvalidations } from './redis-invalidations.js';

/**
 * Redis when the service has a connection to it, with a copy of what this process read kept exact
 * by Redis's invalidations (near-cache.ts); an in-memory LRU otherwise.
 */
export async function createCache(
  config: Config,
  redis: Redis | undefined,
  logger: Logger,
  addShutdownStep: (step: ShutdownStep) => void,
): Promise<Cache> {
  if (redis === undefined || config.redis.url === undefined) {
    return createMemoryCache({ maxEntries: config.cache.maxEntries });
  }
  const { url, keyPrefix, commandTimeoutMs } = config.redis;
  const shared = createRedisCache(redis, { keyPrefix }, logger);
  const invalidations = await followInvalidations(
    { url, prefix: shared.prefix, connectionName: 'cache-invalidations', commandTimeoutMs },
    logger,
  );
  addShutdownStep({ name: 'cache invalidations', run: () => invalidations.close() });
  return withNearCache(shared, invalidations, config.cache);
}
