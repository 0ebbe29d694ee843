import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/parse-env.js';
import { readRedis, redisEnv } from '../../src/config/redis.js';
import { issuesOf } from '../support/config-issues.js';

const DEFAULT_KEY_PREFIX = 'shop-orders';
const read = (source: Record<string, string>) => readRedis(parseEnv(redisEnv(DEFAULT_KEY_PREFIX), source));

describe('readRedis', () => {
  it('defaults to no Redis, keys named after the deployable', () => {
    expect(read({})).toEqual({ url: undefined, keyPrefix: DEFAULT_KEY_PREFIX, commandTimeoutMs: 500 });
  });

  it('reads the Redis settings', () => {
    expect(
      read({ REDIS_URL: 'redis://cache:6379', REDIS_KEY_PREFIX: 'shop', REDIS_COMMAND_TIMEOUT_MS: '2000' }),
    ).toEqual({
      url: 'redis://cache:6379',
      keyPrefix: 'shop',
      commandTimeoutMs: 2000,
    });
  });

  it.each([
    ['REDIS_URL', 'http://localhost:6379'],
    ['REDIS_COMMAND_TIMEOUT_MS', '10'],
    ['REDIS_KEY_PREFIX', 'has spaces'],
  ])('refuses %s=%s with a message naming the variable', (name, value) => {
    expect(issuesOf(() => read({ [name]: value }))).toEqual([expect.stringMatching(`^${name}\\b`)]);
  });
});
