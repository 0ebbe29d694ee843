import type { Config } from '../config/config.js';
import type { Logger } from '#platform/observability/logger';
import type { ShutdownStep } from '#platform/process/graceful-shutdown';
import type { Redis } from '#platform/redis/redis';
import type { Fanout } from './fanout.js';
import { createMemoryFanout } from './memory-fanout.js';

/**
 * Redis when the process has it (every instance receives every event), this process alone
 * otherwise. With Redis it opens the subscriber connection, closed by the shutdown step it adds.
 */
export async function createFanout(
  config: Pick<Config, 'realtime' | 'redis'>,
  redis: Redis | undefined,
  logger: Logger,
  addShutdownStep: (step: ShutdownStep) => void,
): Promise<Fanout> {
  if (redis === undefined || config.redis.url === undefined) {
    logger.info('REDIS_URL is not set: real-time events reach the clients of this process only');
    return createMemoryFanout(config.realtime);
  }
  const [{ closeRedis, connectRedis }, { createRedisFanout }] = await Promise.all([
    import('#platform/redis/redis'),
    import('./redis-fanout.js'),
  ]);
  // Subscribed channels wait through an outage rather than fail: ioredis subscribes them again on
  // reconnecting, and a silent subscriber connection is idle, not dead (no command deadline).
  const subscriber = await connectRedis(
    { url: config.redis.url, connectionName: 'api-realtime', waitWhileDisconnected: true },
    logger,
  );
  addShutdownStep({ name: 'real-time subscriber', run: () => closeRedis(subscriber) });
  return createRedisFanout(redis, subscriber, { ...config.realtime, keyPrefix: config.redis.keyPrefix }, logger);
}
