import type { Logger } from '#platform/observability/logger';
import type { Redis } from '#platform/redis/redis';
import type { Cache } from './cache.js';

/** Shared by every process of the service, so an invalidation reaches all of them. */
export function createRedisCache(
  redis: Redis,
  options: { keyPrefix: string },
  logger: Logger,
): Cache & { readonly prefix: string } {
  const prefix = `${options.keyPrefix}:cache:`;
  return {
    /** What every key of this cache starts with in Redis. */
    prefix,
    async get(key) {
      try {
        return (await redis.get(prefix + key)) ?? undefined;
      } catch (error) {
        logger.warn({ err: error, key }, 'cache read failed, reading from the source');
        return undefined;
      }
    },
    async set(key, value, ttlSeconds) {
      try {
        await redis.set(prefix + key, value, 'EX', ttlSeconds);
      } catch (error) {
        logger.warn({ err: error, key }, 'cache write failed');
      }
    },
    async delete(key) {
      try {
        await redis.del(prefix + key);
      } catch (error) {
        // The entry stays until its TTL expires: readers may see the old value until then.
        logger.error({ err: error, key }, 'cache invalidation failed');
      }
    },
  };
}
