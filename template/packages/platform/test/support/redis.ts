import { randomUUID } from 'node:crypto';
import { createLogger } from '../../src/observability/logger.js';
import { closeRedis, connectRedis, type Redis } from '../../src/redis/redis.js';

/**
 * The Redis of REDIS_URL, when it is set: tests that need one run only then (`it.runIf`). Each
 * test file works under its own key prefix and deletes exactly its keys afterwards, so runs can
 * share a Redis with each other and with anything else: never FLUSHDB.
 */
export const REDIS_URL = process.env.REDIS_URL;

export function uniqueKeyPrefix(): string {
  return `test-${randomUUID().slice(0, 8)}`;
}

/** The command deadline of the test connections that do not wait (the default REDIS_COMMAND_TIMEOUT_MS). */
const TEST_COMMAND_TIMEOUT_MS = 500;

export function connectTestRedis(options: { waitWhileDisconnected?: boolean } = {}): Promise<Redis> {
  if (REDIS_URL === undefined) throw new Error('REDIS_URL is not set');
  const connection = { url: REDIS_URL, connectionName: 'test' };
  return connectRedis(
    options.waitWhileDisconnected === true
      ? { ...connection, waitWhileDisconnected: true }
      : { ...connection, waitWhileDisconnected: false, commandTimeoutMs: TEST_COMMAND_TIMEOUT_MS },
    createLogger({ level: 'silent' }),
  );
}

/** Every key matching `pattern`, by SCAN (KEYS would block a shared Redis). */
export async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found;
}

/** Deletes every key under `prefix`, and nothing else. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  const keys = await scanKeys(redis, `${prefix}:*`);
  if (keys.length > 0) await redis.unlink(...keys);
}

export async function deleteKeysAndClose(redis: Redis, prefix: string): Promise<void> {
  await deleteKeys(redis, prefix);
  await closeRedis(redis);
}
