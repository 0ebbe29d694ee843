import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { buildTestApp } from '../helpers/app.js';
import { stubDatabase } from '../helpers/database.js';
import { FakePasswordHasher } from '../helpers/fakes.js';
import { captureLogs } from '../helpers/logs.js';

// Cross-cutting behaviour (health, metrics, OpenAPI, security headers, errors, logs) on a stub
// database: these tests need no real one.
describe('platform', () => {
  let app: App;

  beforeAll(async () => {
    app = await buildTestApp({ database: stubDatabase(), env: { CORS_ORIGINS: 'https://app.example.com' } });
  });

  afterAll(async () => {
    await app.close();
  });

  describe('health', () => {
    it('GET /health/live answers 200', async () => {
      const response = await app.inject({ method: 'GET', url: '/health/live' });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: 'ok' });
    });

    it('GET /health/ready answers 200 when the database answers', async () => {
      const response = await app.inject({ method: 'GET', url: '/health/ready' });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: 'ok', checks: { database: 'up' } });
    });

    it('answers probes without the per-request work of the API (rate limit, metrics)', async () => {
      const response = await app.inject({ method: 'GET', url: '/health/live' });
      const metrics = await app.inject({ method: 'GET', url: '/metrics' });

      expect(response.headers['x-ratelimit-limit']).toBeUndefined();
      expect(metrics.body).not.toMatch(/http_request_duration_seconds_count\{[^}]*route="\/health\//);
    });

    it('GET /health/ready answers 503 when the database is down, while liveness stays 200', async () => {
      const down = await buildTestApp({ database: stubDatabase(new Error('connect ECONNREFUSED 10.0.0.5:5432')) });
      try {
        const ready = await down.inject({ method: 'GET', url: '/health/ready' });
        const live = await down.inject({ method: 'GET', url: '/health/live' });

        expect(ready.statusCode).toBe(503);
        expect(ready.json()).toEqual({ status: 'unavailable', checks: { database: 'down' } });
        expect(live.statusCode).toBe(200);
      } finally {
        await down.close();
      }
    });
  });

  describe('GET /metrics', () => {
    it('exposes default metrics and the request duration histogram by route pattern', async () => {
      await app.inject({ method: 'GET', url: '/v1/products' });
      await app.inject({ method: 'GET', url: '/no/such/route/12345' });

      const response = await app.inject({ method: 'GET', url: '/metrics' });

      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
      expect(response.body).toContain('nodejs_eventloop_lag_seconds');
      expect(response.body).toContain('db_pool_connections{pool="primary",state="idle"}');
      expect(response.body).toContain('jobs_queue_depth{queue="notifications",state="waiting"} 0');
      expect(response.body).toContain('cpu_pool_threads 0');
      expect(response.body).toMatch(/http_request_duration_seconds_bucket\{[^}]*route="\/v1\/products"/);
      expect(response.body).toMatch(/http_request_duration_seconds_count\{[^}]*route="unmatched"/);
      expect(response.body).not.toContain('12345');
    });
  });

  describe('GET /docs/json', () => {
    it('serves the OpenAPI document generated from the route schemas', async () => {
      const response = await app.inject({ method: 'GET', url: '/docs/json' });

      expect(response.statusCode).toBe(200);
      const document = response.json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>();
      expect(document.openapi).toMatch(/^3\.1/);
      expect(Object.keys(document.paths)).toEqual(
        expect.arrayContaining([
          '/v1/users',
          '/v1/auth/login',
          '/v1/users/me',
          '/v1/orders',
          '/v1/orders/{id}',
          '/v1/orders/{id}/cancel',
          '/v1/orders/export',
          '/health/ready',
        ]),
      );
      expect(document.paths['/v1/orders/{id}']?.get).toMatchObject({ security: [{ bearerAuth: [] }] });
      expect(document.paths['/v1/users/me']?.get).toMatchObject({ security: [{ bearerAuth: [] }] });
    });
  });

  describe('security headers and CORS', () => {
    it('sets helmet headers and a request id on every response', async () => {
      const response = await app.inject({ method: 'GET', url: '/v1/products', headers: { 'x-request-id': 'lb-1234' } });

      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['strict-transport-security']).toBeDefined();
      expect(response.headers['x-request-id']).toBe('lb-1234');
    });

    it('replaces a malformed incoming request id', async () => {
      const response = await app.inject({ method: 'GET', url: '/v1/products', headers: { 'x-request-id': 'a b\tc' } });

      expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('allows origins from the allow-list only', async () => {
      const preflight = (origin: string) =>
        app.inject({
          method: 'OPTIONS',
          url: '/v1/users',
          headers: { origin, 'access-control-request-method': 'POST' },
        });

      expect((await preflight('https://app.example.com')).headers['access-control-allow-origin']).toBe(
        'https://app.example.com',
      );
      expect((await preflight('https://evil.example.net')).headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('errors', () => {
    it('answers 404 for an unknown route with the error shape', async () => {
      const response = await app.inject({ method: 'GET', url: '/v1/nothing-here' });

      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND', requestId: response.headers['x-request-id'] });
    });

    it('answers an unexpected error with a generic 500 and logs the details with the request id', async () => {
      const { logger, lines } = captureLogs();
      const broken = await buildTestApp({
        database: stubDatabase(new Error('password authentication failed for user "app" at 10.0.0.5')),
        logger,
        passwordHasher: new FakePasswordHasher(),
      });
      try {
        const response = await broken.inject({
          method: 'POST',
          url: '/v1/auth/login',
          payload: { email: 'ada@example.com', password: 'correct horse battery' },
          headers: { authorization: 'Bearer top-secret-token' },
        });

        expect(response.statusCode).toBe(500);
        const requestId = response.headers['x-request-id'];
        expect(response.json()).toEqual({
          statusCode: 500,
          error: 'Internal Server Error',
          code: 'INTERNAL_ERROR',
          message: 'An unexpected error occurred',
          requestId,
        });
        expect(response.body).not.toMatch(/10\.0\.0\.5|authentication failed|at /);

        const requestLines = lines.filter((line) => 'requestId' in line);
        expect(requestLines.map((line) => line.msg)).toEqual(['unexpected error', 'request completed']);
        expect(requestLines.every((line) => line.requestId === requestId)).toBe(true);
        expect(JSON.stringify(requestLines[0])).toContain('password authentication failed');
        expect(JSON.stringify(lines)).not.toContain('top-secret-token');
      } finally {
        await broken.close();
      }
    });
  });

  describe('access log', () => {
    it('writes one line per request with the request id, and none for probes and scrapes', async () => {
      const { logger, lines } = captureLogs();
      const logged = await buildTestApp({ database: stubDatabase(), logger });
      try {
        await logged.inject({ method: 'GET', url: '/health/live' });
        await logged.inject({ method: 'GET', url: '/health/ready' });
        await logged.inject({ method: 'GET', url: '/metrics' });
        const response = await logged.inject({ method: 'GET', url: '/v1/users/me' });

        expect(lines.filter((line) => 'requestId' in line)).toEqual([
          expect.objectContaining({
            level: 'info',
            msg: 'request completed',
            requestId: response.headers['x-request-id'],
            method: 'GET',
            url: '/v1/users/me',
            statusCode: 401,
            durationMs: expect.any(Number),
          }),
        ]);
      } finally {
        await logged.close();
      }
    });
  });

  describe('load shedding', () => {
    it('answers 503 with Retry-After while the event loop lags, except the probes', async () => {
      const shedding = await buildTestApp({ database: stubDatabase(), env: { MAX_EVENT_LOOP_DELAY_MS: '50' } });
      const request = (url: string) => shedding.inject({ method: 'GET', url });
      try {
        await sleep(400); // shedding starts a moment after start-up, once samples reflect load
        // The monitor averages the delay over 100 ms windows and restarts its clock at each sample,
        // so a stall that begins just as a window closes can go unnoticed: stall until one is seen.
        let shed = await request('/v1/users/me');
        for (let stall = 0; shed.statusCode !== 503 && stall < 3; stall += 1) {
          const until = Date.now() + 600;
          while (Date.now() < until) {
            // a synchronous stall, as CPU-heavy work on the event loop would cause
          }
          for (let poll = 0; shed.statusCode !== 503 && poll < 20; poll += 1) {
            await sleep(10);
            shed = await request('/v1/users/me');
          }
        }
        const live = await request('/health/live');

        expect(shed.statusCode).toBe(503);
        expect(shed.headers['retry-after']).toBe('5');
        expect(shed.json()).toMatchObject({ code: 'SERVER_OVERLOADED', requestId: expect.any(String) });
        expect(live.statusCode).toBe(200);
        await sleep(300); // the following samples are healthy again
        expect((await request('/v1/users/me')).statusCode).toBe(401);
      } finally {
        await shedding.close();
      }
    });
  });

  describe('rate limiting', () => {
    it('answers 429 with Retry-After once a client exceeds the limit', async () => {
      const limited = await buildTestApp({ database: stubDatabase(), env: { RATE_LIMIT_MAX: '2' } });
      try {
        const statuses: number[] = [];
        for (let attempt = 0; attempt < 3; attempt += 1) {
          statuses.push((await limited.inject({ method: 'GET', url: '/v1/users/me' })).statusCode);
        }
        const rejected = await limited.inject({ method: 'GET', url: '/v1/users/me' });

        expect(statuses).toEqual([401, 401, 429]);
        expect(rejected.headers['retry-after']).toBeDefined();
        expect(rejected.json()).toMatchObject({ code: 'TOO_MANY_REQUESTS', requestId: expect.any(String) });
        // Probes are never limited, or a busy client could get the instance restarted.
        expect((await limited.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
      } finally {
        await limited.close();
      }
    });

    it('limits the credential routes more tightly than the rest', async () => {
      const limited = await buildTestApp({
        database: stubDatabase(),
        env: { AUTH_RATE_LIMIT_MAX: '1' },
        passwordHasher: new FakePasswordHasher(),
      });
      try {
        const attempt = () => limited.inject({ method: 'POST', url: '/v1/auth/login', payload: {} });

        expect((await attempt()).statusCode).toBe(400);
        expect((await attempt()).statusCode).toBe(429);
      } finally {
        await limited.close();
      }
    });
  });
});
