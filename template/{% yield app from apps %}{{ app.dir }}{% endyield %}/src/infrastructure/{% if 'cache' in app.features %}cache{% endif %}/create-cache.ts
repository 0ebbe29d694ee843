import type { Logger } from '#platform/observability/logger';
import type { Redis } from '#platform/redis/redis';
import type { Config } from '../config/config.js';
import type { Cache } from './cache.js';
import { createMemoryCache } from './memory-cache.js';
import { createRedisCache } from './redis-cache.js';

/** Redis when the service has a connection to it, an in-memory LRU otherwise. */
export function createCache(config: Config, redis: Redis | undefined, logger: Logger): Cache {
  return redis === undefined
    ? createMemoryCache({ maxEntries: config.cache.maxEntries })
    : createRedisCache(redis, { keyPrefix: config.redis.keyPrefix }, logger);
}
