import { Redis } from 'ioredis';
import type { Logger } from '../observability/logger.js';

export type { Redis } from 'ioredis';

export interface RedisConnectionOptions {
  readonly url: string;
  /** Shown by `CLIENT LIST`, to tell the service's connections apart. */
  readonly connectionName: string;
  /**
   * true for the job worker: while Redis is unreachable its commands wait and retry (BullMQ
   * requires it). false for the API: commands fail at once, so the cache falls back to the
   * database and a request never hangs on Redis.
   */
  readonly waitWhileDisconnected: boolean;
}

/** A connected ioredis client; rejects when Redis cannot be reached at start-up. */
export async function connectRedis(options: RedisConnectionOptions, logger: Logger): Promise<Redis> {
  const client = new Redis(options.url, {
    lazyConnect: true,
    connectionName: options.connectionName,
    connectTimeout: 5000,
    maxRetriesPerRequest: options.waitWhileDisconnected ? null : 1,
    enableOfflineQueue: options.waitWhileDisconnected,
  });
  // ioredis reconnects by itself; without a listener each failed attempt would be an uncaught error.
  client.on('error', (error: Error) => {
    logger.warn({ err: error, connection: options.connectionName }, 'redis connection error');
  });
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw error;
  }
  return client;
}

/** Closes the connection after the replies to commands already sent have arrived. */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  try {
    await client.quit();
  } catch {
    client.disconnect(); // already broken: drop it
  }
}
