import { describe, expect, it } from 'vitest';
import { checkReadiness, redisCheck, type ReadinessCheck } from '../../src/health/readiness.js';

const up = (name: string, optional = false): ReadinessCheck => ({ name, optional, check: () => Promise.resolve() });
const down = (name: string, optional = false): ReadinessCheck => ({
  name,
  optional,
  check: () => Promise.reject(new Error(`${name} refused the connection`)),
});

const ignoreFailures = () => {
  // These cases assert on the report alone.
};

describe('checkReadiness', () => {
  it('is ok when every dependency answers', async () => {
    const report = await checkReadiness([up('database'), up('redis')], ignoreFailures);

    expect(report).toEqual({ status: 'ok', checks: { database: 'up', redis: 'up' } });
  });

  it('is degraded when only an optional dependency is down', async () => {
    const report = await checkReadiness([up('database'), down('redis', true)], ignoreFailures);

    expect(report).toEqual({ status: 'degraded', checks: { database: 'up', redis: 'down' } });
  });

  it('is unavailable when a required dependency is down, and says why to onFailure', async () => {
    const failures: [string, unknown][] = [];

    const report = await checkReadiness([down('database'), up('redis', true)], (name, error) => {
      failures.push([name, error]);
    });

    expect(report.status).toBe('unavailable');
    expect(failures).toEqual([['database', new Error('database refused the connection')]]);
  });
});

describe('redisCheck', () => {
  it('pings Redis, and is required unless told otherwise', async () => {
    let pings = 0;
    const redis = {
      ping: () => {
        pings += 1;
        return Promise.resolve('PONG');
      },
    };

    await redisCheck(redis).check();

    expect(pings).toBe(1);
    expect(redisCheck(redis).optional).toBe(false);
    expect(redisCheck(redis, { optional: true }).optional).toBe(true);
  });
});
