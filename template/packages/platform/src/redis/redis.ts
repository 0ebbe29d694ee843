import { Redis } from 'ioredis';
import type { Logger } from '../observability/logger.js';

export type { Redis } from 'ioredis';

interface RedisConnection {
  readonly url: string;
  /** Shown by `CLIENT LIST`, to tell the service's connections apart. */
  readonly connectionName: string;
}

/**
 * `waitWhileDisconnected: true` for the job worker: while Redis is unreachable its commands wait and
 * retry (BullMQ requires it, and its blocking commands wait by design). false for the API: a command
 * fails at once while Redis is unreachable and after `commandTimeoutMs` (REDIS_COMMAND_TIMEOUT_MS)
 * when it does not answer, so the cache falls back to the database, the rate limit lets the request
 * through, and a request never hangs on Redis.
 */
export type RedisConnectionOptions = RedisConnection &
  (
    | { readonly waitWhileDisconnected: true }
    | { readonly waitWhileDisconnected: false; readonly commandTimeoutMs: number }
  );

/**
 * A connection on which a command got no byte back for this many command timeouts is considered
 * dead (Redis stopped answering without closing the socket): ioredis destroys it and connects again.
 */
const DEAD_SOCKET_AFTER_COMMAND_TIMEOUTS = 2;

/** A connected ioredis client; rejects when Redis cannot be reached at start-up. */
export async function connectRedis(options: RedisConnectionOptions, logger: Logger): Promise<Redis> {
  const client = new Redis(options.url, {
    lazyConnect: true,
    connectionName: options.connectionName,
    connectTimeout: 5000,
    maxRetriesPerRequest: options.waitWhileDisconnected ? null : 1,
    enableOfflineQueue: options.waitWhileDisconnected,
    ...(options.waitWhileDisconnected
      ? {}
      : {
          commandTimeout: options.commandTimeoutMs,
          socketTimeout: DEAD_SOCKET_AFTER_COMMAND_TIMEOUTS * options.commandTimeoutMs,
        }),
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
