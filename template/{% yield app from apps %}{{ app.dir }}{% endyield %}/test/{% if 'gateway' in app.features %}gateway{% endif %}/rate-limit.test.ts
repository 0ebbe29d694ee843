import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from '#platform/redis/redis';
import { connectTestRedis, deleteKeysAndClose, REDIS_URL, uniqueKeyPrefix } from '#platform/testing/redis';
import type { App } from '../../src/app.js';
import { FakeUpstream } from '../helpers/fake-upstream.js';
import { buildTestGateway } from '../helpers/gateway.js';

describe('rate limiting', () => {
  const users = new FakeUpstream('users');
  const orders = new FakeUpstream('orders');
  let urls: { users: string; orders: string };

  beforeAll(async () => {
    urls = { users: await users.start(), orders: await orders.start() };
  });

  afterAll(async () => {
    await Promise.all([users.stop(), orders.stop()]);
  });

  async function expectLimitedAfter(app: App, max: number): Promise<void> {
    for (let request = 1; request <= max; request += 1) {
      const response = await app.inject({ method: 'GET', url: '/v1/products' });
      expect(response.statusCode).toBe(200);
      expect(response.headers['x-ratelimit-limit']).toBe(String(max));
    }
    const limited = await app.inject({ method: 'GET', url: '/v1/products' });

    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    expect(limited.json()).toMatchObject({ statusCode: 429, code: 'TOO_MANY_REQUESTS' });
  }

  it('answers 429 with the rate-limit headers past RATE_LIMIT_MAX, before the service sees it', async () => {
    const app = await buildTestGateway({ ...urls, env: { RATE_LIMIT_MAX: '3' } });
    try {
      orders.received.length = 0;
      await expectLimitedAfter(app, 3);
      expect(orders.received).toHaveLength(3);
      // The probes are never limited.
      expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it.runIf(REDIS_URL !== undefined)('counts in Redis when it is configured, shared by every replica', async () => {
    const keyPrefix = uniqueKeyPrefix();
    const redis: Redis = await connectTestRedis();
    const env = { RATE_LIMIT_MAX: '2', REDIS_KEY_PREFIX: keyPrefix };
    const first = await buildTestGateway({ ...urls, env, redis });
    const second = await buildTestGateway({ ...urls, env, redis });
    try {
      expect((await first.inject({ method: 'GET', url: '/v1/products' })).statusCode).toBe(200);
      expect((await second.inject({ method: 'GET', url: '/v1/products' })).statusCode).toBe(200);
      expect((await first.inject({ method: 'GET', url: '/v1/products' })).statusCode).toBe(429);
    } finally {
      await Promise.all([first.close(), second.close()]);
      await deleteKeysAndClose(redis, keyPrefix);
    }
  });
});
