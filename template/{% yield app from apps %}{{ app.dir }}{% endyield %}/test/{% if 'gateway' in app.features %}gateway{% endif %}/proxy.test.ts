import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { remoteKeySet } from '#platform/http/access-tokens';
import { testTokenSigner } from '#platform/testing/access-tokens';
import { FakeUpstream } from '../helpers/fake-upstream.js';
import { buildTestGateway, scrape } from '../helpers/gateway.js';
import { PROJECT } from '../../src/shared/project.js';

const { signToken, signWithSharedSecret } = testTokenSigner(PROJECT.system);
const ADA = { sub: '6f1c1b7e-8a39-4f55-9d3e-0c7c2f1a9b10', email: 'ada@example.com', name: 'Ada Lovelace' };
const BODY_LIMIT_BYTES = 2048;
/** None without the `webhooks` answer. */
const WEBHOOK_ROUTES: readonly string[] = PROJECT.webhookRoutes;

describe('the gateway', () => {
  const users = new FakeUpstream('users');
  const orders = new FakeUpstream('orders');
  const upstreams = { users: '', orders: '' };
  let app: App;

  beforeAll(async () => {
    upstreams.users = await users.start();
    upstreams.orders = await orders.start();
    app = await buildTestGateway({
      ...upstreams,
      env: { BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES) },
    });
  });

  afterAll(async () => {
    await app.close();
    await Promise.all([users.stop(), orders.stop()]);
  });

  beforeEach(() => {
    users.received.length = 0;
    orders.received.length = 0;
  });

  describe('routing', () => {
    it.each([
      ['GET', '/v1/users/me', users],
      ['POST', '/v1/users', users],
      ['POST', '/v1/auth/login', users],
      ['GET', '/v1/orders?limit=5&cursor=abc', orders],
      ['GET', '/v1/orders/0b9c7d4e-1f2a-4b3c-8d5e-6f7a8b9c0d1e', orders],
      ['GET', '/v1/orders/export', orders],
      ['GET', '/v1/products', orders],
      // The webhook subscriptions, where the project has them.
      ...WEBHOOK_ROUTES.map(
        (route) => ['GET', route.replace('*', '0b9c7d4e-1f2a-4b3c-8d5e-6f7a8b9c0d1e/deliveries'), orders] as const,
      ),
    ] as const)('forwards %s %s to its service, path and query unchanged', async (method, url, upstream) => {
      const response = await app.inject({ method, url });

      expect(response.statusCode).toBe(200);
      expect(upstream.last()).toMatchObject({ method, url });
    });

    it('streams a request body through as it came', async () => {
      const body = JSON.stringify({ email: 'ada@example.com', password: 'correct horse battery staple' });

      await app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        headers: { 'content-type': 'application/json' },
        body,
      });

      expect(users.last().body).toBe(body);
      expect(users.last().headers['content-type']).toBe('application/json');
    });

    it('refuses a body declared over BODY_LIMIT_BYTES with a 413, without calling the service', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/v1/users',
        headers: { 'content-type': 'application/json' },
        body: 'x'.repeat(BODY_LIMIT_BYTES + 1),
      });

      expect(response.statusCode).toBe(413);
      expect(response.json()).toMatchObject({
        statusCode: 413,
        code: 'PAYLOAD_TOO_LARGE',
        requestId: expect.any(String),
      });
      expect(users.received).toHaveLength(0);
    });

    it('forwards a body of exactly BODY_LIMIT_BYTES', async () => {
      const body = 'x'.repeat(BODY_LIMIT_BYTES);

      const response = await app.inject({
        method: 'POST',
        url: '/v1/users',
        headers: { 'content-type': 'application/json' },
        body,
      });

      expect(response.statusCode).toBe(200);
      expect(users.last().body).toBe(body);
    });

    it('answers unknown routes itself, in the API error format', async () => {
      const response = await app.inject({ method: 'GET', url: '/v2/anything' });

      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ statusCode: 404, code: 'ROUTE_NOT_FOUND' });
      expect(users.received).toHaveLength(0);
      expect(orders.received).toHaveLength(0);
    });
  });

  describe('identity', () => {
    it('verifies a token and forwards it unchanged: the service verifies it again itself', async () => {
      const authorization = `Bearer ${await signToken(ADA)}`;

      const response = await app.inject({ method: 'GET', url: '/v1/users/me', headers: { authorization } });

      expect(response.statusCode).toBe(200);
      expect(users.last().headers.authorization).toBe(authorization);
    });

    it('forwards a request without a token without one: the service decides', async () => {
      const response = await app.inject({ method: 'GET', url: '/v1/products' });

      expect(response.statusCode).toBe(200);
      expect(orders.last().headers.authorization).toBeUndefined();
    });

    it('answers an expired token with 401 TOKEN_EXPIRED and forwards nothing', async () => {
      const expired = await signToken(ADA, { issuedSecondsAgo: 3600, expiresInSeconds: 900 });

      const response = await app.inject({
        method: 'GET',
        url: '/v1/users/me',
        headers: { authorization: `Bearer ${expired}` },
      });

      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer');
      expect(response.json()).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        code: 'TOKEN_EXPIRED',
        message: 'The access token has expired',
        requestId: response.headers['x-request-id'],
      });
      expect(users.received).toHaveLength(0);
    });

    it.each([
      ['a forged signature', () => signToken(ADA, { key: generateKeyPairSync('ed25519').privateKey })],
      [
        'an HS256 token signed with a shared secret',
        () => signWithSharedSecret(ADA, 'a-shared-secret-long-enough-00000000'),
      ],
      ['another issuer', () => signToken(ADA, { issuer: 'someone-else' })],
      ['a subject that is not a user id', () => signToken({ ...ADA, sub: '1 OR 1=1' })],
      [
        'a token without the user claims',
        // @ts-expect-error -- the point of the case: an email claim that is not a string
        () => signToken({ ...ADA, email: 7 }),
      ],
    ])('answers a token with %s with 401 INVALID_TOKEN', async (_case, makeToken) => {
      const authorization = `Bearer ${await makeToken()}`;

      const response = await app.inject({ method: 'GET', url: '/v1/orders', headers: { authorization } });

      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ code: 'INVALID_TOKEN' });
      expect(orders.received).toHaveLength(0);
    });

    it('answers 503 KEYS_UNAVAILABLE, not 200, while the published keys cannot be fetched', async () => {
      const cut = await buildTestGateway({
        ...upstreams,
        accessTokenKeys: remoteKeySet('http://127.0.0.1:1/.well-known/jwks.json', 60_000),
      });
      try {
        const authorization = `Bearer ${await signToken(ADA)}`;

        const response = await cut.inject({ method: 'GET', url: '/v1/orders', headers: { authorization } });

        expect(response.statusCode).toBe(503);
        expect(response.json()).toMatchObject({ code: 'KEYS_UNAVAILABLE' });
        expect(orders.received).toHaveLength(0);
      } finally {
        await cut.close();
      }
    });

    it.each([
      ['a malformed token', 'Bearer not.a.token'],
      ['another scheme', 'Basic YWRhOnNlY3JldA=='],
    ])('answers %s with 401 INVALID_TOKEN', async (_case, authorization) => {
      const response = await app.inject({ method: 'GET', url: '/v1/orders', headers: { authorization } });

      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ code: 'INVALID_TOKEN' });
      expect(orders.received).toHaveLength(0);
    });
  });

  describe('correlation', () => {
    it("forwards the caller's request id, and answers with it", async () => {
      const response = await app.inject({ method: 'GET', url: '/v1/products', headers: { 'x-request-id': 'req-42' } });

      expect(response.headers['x-request-id']).toBe('req-42');
      expect(orders.last().headers['x-request-id']).toBe('req-42');
    });

    it('gives a request without one a fresh id, the same on both sides', async () => {
      const response = await app.inject({ method: 'GET', url: '/v1/products' });

      expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(orders.last().headers['x-request-id']).toBe(response.headers['x-request-id']);
    });

    it('carries the trace context to the service', async () => {
      const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

      await app.inject({ method: 'GET', url: '/v1/users/me', headers: { traceparent } });

      expect(users.last().headers.traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-0[01]$/);
    });

    it("appends the caller's address to x-forwarded-for", async () => {
      await app.inject({ method: 'GET', url: '/v1/products', headers: { 'x-forwarded-for': '203.0.113.7' } });

      expect(orders.last().headers['x-forwarded-for']).toBe('203.0.113.7, 127.0.0.1');
    });
  });

  describe('the edge', () => {
    it('sets the security headers on proxied answers', async () => {
      const response = await app.inject({ method: 'GET', url: '/v1/products' });

      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['strict-transport-security']).toBeDefined();
    });

    it("passes a service's caching headers and its 304 through unchanged", async () => {
      const caching = {
        'cache-control': 'public, max-age=300, stale-while-revalidate=60, stale-if-error=86400',
        etag: '"42-catalogue"',
        vary: 'Origin',
        'surrogate-key': 'products',
      };
      orders.headers = caching;
      try {
        const full = await app.inject({ method: 'GET', url: '/v1/products' });
        orders.status = 304;
        const revalidated = await app.inject({
          method: 'GET',
          url: '/v1/products',
          headers: { 'if-none-match': caching.etag },
        });

        expect(full.headers).toMatchObject(caching);
        expect(orders.last().headers['if-none-match']).toBe(caching.etag);
        expect(revalidated.statusCode).toBe(304);
        expect(revalidated.body).toBe('');
        expect(revalidated.headers).toMatchObject({ etag: caching.etag, 'cache-control': caching['cache-control'] });
      } finally {
        orders.headers = {};
        orders.status = 200;
      }
    });

    it('keeps its own answers out of every cache: a refused token, an unknown route', async () => {
      const expired = await signToken(ADA, { issuedSecondsAgo: 3600, expiresInSeconds: 900 });

      const refused = await app.inject({
        method: 'GET',
        url: '/v1/users/me',
        headers: { authorization: `Bearer ${expired}` },
      });
      const unknown = await app.inject({ method: 'GET', url: '/v2/anything' });

      expect(refused.statusCode).toBe(401);
      expect(refused.headers['cache-control']).toBe('private, no-store');
      expect(unknown.headers['cache-control']).toBe('private, no-store');
    });

    it('measures proxied requests by route pattern, served on METRICS_PORT only', async () => {
      await app.inject({ method: 'GET', url: '/v1/orders/0b9c7d4e-1f2a-4b3c-8d5e-6f7a8b9c0d1e' });

      const response = await scrape(app);

      expect(response.statusCode).toBe(200);
      expect(response.body).toMatch(
        /http_request_duration_seconds_count\{method="GET",route="\/v1\/orders\/\*",status_code="200"\} \d+/,
      );
      expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
    });

    it('answers its liveness probe without asking the services', async () => {
      const response = await app.inject({ method: 'GET', url: '/health/live' });

      expect(response.json()).toEqual({ status: 'ok' });
      expect(users.received).toHaveLength(0);
    });
  });
});
