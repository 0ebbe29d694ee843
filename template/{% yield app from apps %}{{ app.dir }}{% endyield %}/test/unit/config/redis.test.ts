import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../../src/infrastructure/config/parse-env.js';
import { readRedis, RedisEnv } from '../../../src/infrastructure/config/redis.js';
import { PROJECT } from '../../../src/shared/project.js';
import { issuesOf } from './issues.js';

const read = (source: Record<string, string>) => readRedis(parseEnv(RedisEnv, source));

describe('readRedis', () => {
  it('defaults to no Redis, keys named after the project', () => {
    expect(read({})).toEqual({ url: undefined, keyPrefix: PROJECT.name, commandTimeoutMs: 500 });
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
