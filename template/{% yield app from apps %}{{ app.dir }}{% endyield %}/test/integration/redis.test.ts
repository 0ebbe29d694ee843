import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { createRedisCache } from '../../src/infrastructure/cache/redis-cache.js';
import type { Redis } from '../../src/infrastructure/redis/redis.js';
import { buildTestApp } from '../helpers/app.js';
import { stubDatabase } from '../helpers/database.js';
import { captureLogs } from '../helpers/logs.js';
import {
  connectTestRedis,
  deleteKeys,
  deleteKeysAndClose,
  REDIS_URL,
  scanKeys,
  uniqueKeyPrefix,
} from '../helpers/redis.js';

// Runs when REDIS_URL is set (CI, `REDIS_URL=redis://127.0.0.1:6379 npm test`); every key lives
// under this run's own prefix and is deleted afterwards.
describe.runIf(REDIS_URL !== undefined)('with Redis', () => {
  const keyPrefix = uniqueKeyPrefix();
  let redis: Redis;

  beforeAll(async () => {
    redis = await connectTestRedis();
  });

  afterAll(async () => {
    await deleteKeysAndClose(redis, keyPrefix);
  });

  describe('the Redis cache', () => {
    it('stores values under the key prefix with their TTL, and deletes them', async () => {
      const cache = createRedisCache(redis, { keyPrefix }, captureLogs().logger);

      await cache.set('orders:1', '{"id":1}', 30);

      await expect(cache.get('orders:1')).resolves.toBe('{"id":1}');
      expect(await redis.get(`${keyPrefix}:cache:orders:1`)).toBe('{"id":1}');
      const ttl = await redis.ttl(`${keyPrefix}:cache:orders:1`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(30);
      await cache.delete('orders:1');
      await expect(cache.get('orders:1')).resolves.toBeUndefined();
    });

    it('answers a miss, and logs, when Redis cannot be reached', async () => {
      const broken = await connectTestRedis();
      broken.disconnect();
      const { logger, lines } = captureLogs();
      const cache = createRedisCache(broken, { keyPrefix }, logger);

      await expect(cache.get('orders:1')).resolves.toBeUndefined();
      await expect(cache.set('orders:1', 'x', 30)).resolves.toBeUndefined();
      expect(lines.map((line) => line.msg)).toEqual([
        'cache read failed, reading from the source',
        'cache write failed',
      ]);
    });
  });

  describe('the API', () => {
    let app: App;

    beforeAll(async () => {
      app = await buildTestApp({ database: stubDatabase(), redis, env: { REDIS_KEY_PREFIX: keyPrefix } });
    });

    afterAll(async () => {
      await app.close();
    });

    it('checks Redis in the readiness probe', async () => {
      const response = await app.inject({ method: 'GET', url: '/health/ready' });

      expect(response.json()).toEqual({ status: 'ok', checks: { database: 'up', redis: 'up' } });
    });

    it('reports Redis down, and the service unready, when Redis does not answer', async () => {
      const broken = await connectTestRedis();
      broken.disconnect();
      const unready = await buildTestApp({
        database: stubDatabase(),
        redis: broken,
        env: { REDIS_KEY_PREFIX: keyPrefix },
      });
      try {
        const response = await unready.inject({ method: 'GET', url: '/health/ready' });

        expect(response.statusCode).toBe(503);
        expect(response.json()).toEqual({ status: 'unavailable', checks: { database: 'up', redis: 'down' } });
      } finally {
        await unready.close();
      }
    });

    it('counts rate limits in Redis, across every process of the service', async () => {
      const env = { REDIS_KEY_PREFIX: `${keyPrefix}-limits`, RATE_LIMIT_MAX: '2' };
      const first = await buildTestApp({ database: stubDatabase(), redis, env });
      const second = await buildTestApp({ database: stubDatabase(), redis, env });
      try {
        const statuses = [];
        for (const instance of [first, second, first]) {
          statuses.push((await instance.inject({ method: 'GET', url: '/v1/users/me' })).statusCode);
        }

        expect(statuses).toEqual([401, 401, 429]);
        expect(await scanKeys(redis, `${keyPrefix}-limits:rate-limit:*`)).toHaveLength(1);
      } finally {
        await first.close();
        await second.close();
        await deleteKeys(redis, `${keyPrefix}-limits`);
      }
    });
  });
});
