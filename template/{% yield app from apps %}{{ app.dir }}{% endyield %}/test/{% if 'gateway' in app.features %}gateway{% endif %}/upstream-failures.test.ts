import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { FakeUpstream, unusedUrl } from '../helpers/fake-upstream.js';
import { buildTestGateway } from '../helpers/gateway.js';

describe('when a service fails', () => {
  const users = new FakeUpstream('users');
  let app: App;

  beforeAll(async () => {
    // Orders: nothing listens there.
    app = await buildTestGateway({
      users: await users.start(),
      orders: await unusedUrl(),
      env: { UPSTREAM_TIMEOUT_MS: '300' },
    });
  });

  afterAll(async () => {
    await app.close();
    await users.stop();
  });

  it('answers 502 in the API error format when the service cannot be reached', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/orders', headers: { 'x-request-id': 'req-502' } });

    expect(response.statusCode).toBe(502);
    expect(response.json()).toEqual({
      statusCode: 502,
      error: 'Bad Gateway',
      code: 'UPSTREAM_UNAVAILABLE',
      message: 'The orders service is unavailable',
      requestId: 'req-502',
    });
    // A stale copy may be served instead (stale-if-error), but this answer itself is never stored.
    expect(response.headers['cache-control']).toBe('private, no-store');
  });

  it('answers 504 when the service takes longer than UPSTREAM_TIMEOUT_MS', async () => {
    users.delayMs = 1000;
    try {
      const response = await app.inject({ method: 'GET', url: '/v1/users/me' });

      expect(response.statusCode).toBe(504);
      expect(response.json()).toMatchObject({ statusCode: 504, code: 'UPSTREAM_TIMEOUT' });
    } finally {
      users.delayMs = 0;
    }
  });

  it("passes a service's own 503 on once, without retrying it", async () => {
    users.received.length = 0;
    users.status = 503;
    try {
      const response = await app.inject({ method: 'GET', url: '/v1/users/me' });

      expect(response.statusCode).toBe(503);
      expect(users.received).toHaveLength(1);
    } finally {
      users.status = 200;
    }
  });

  it('reports a service that is down, and stays ready itself for the routes of the others', async () => {
    const upstreams = await app.inject({ method: 'GET', url: '/health/upstreams' });
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });

    expect(upstreams.statusCode).toBe(503);
    expect(upstreams.json()).toEqual({ status: 'unavailable', checks: { users: 'up', orders: 'down' } });
    expect(ready.statusCode).toBe(200);
  });
});

describe('readiness', () => {
  const users = new FakeUpstream('users');
  const orders = new FakeUpstream('orders');
  let app: App;

  beforeAll(async () => {
    app = await buildTestGateway({ users: await users.start(), orders: await orders.start() });
  });

  afterAll(async () => {
    await app.close();
    await Promise.all([users.stop(), orders.stop()]);
  });

  it('is ready on its own: the services behind it have probes of their own', async () => {
    const response = await app.inject({ method: 'GET', url: '/health/ready' });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok', checks: {} });
  });

  it('reports every service ready when each one is', async () => {
    const response = await app.inject({ method: 'GET', url: '/health/upstreams' });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok', checks: { users: 'up', orders: 'up' } });
  });

  it('reports a service that says it is not ready', async () => {
    users.ready = false;
    try {
      const response = await app.inject({ method: 'GET', url: '/health/upstreams' });

      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ checks: { users: 'down', orders: 'up' } });
      expect((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
    } finally {
      users.ready = true;
    }
  });
});
