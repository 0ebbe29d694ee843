import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '#platform/observability/logger';
import type { App } from '../../src/app.js';
import { OpenApiAggregator } from '../../src/gateway/openapi-aggregator.js';
import { mergeOpenApi } from '../../src/gateway/openapi-merge.js';
import { upstreamsOf } from '../../src/gateway/upstreams.js';
import { PROJECT } from '../../src/shared/project.js';
import { FakeUpstream, unusedUrl } from '../helpers/fake-upstream.js';
import { buildTestGateway } from '../helpers/gateway.js';

const ERROR_RESPONSE = { type: 'object', title: 'ErrorResponse' };
const BEARER = { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' };

/** What each service's @fastify/swagger serves: its routes, its probes and shared components. */
const USERS_DOCUMENT = {
  openapi: '3.1.0',
  info: { title: 'shop-users', version: '0.1.0' },
  tags: [{ name: 'users' }, { name: 'health' }],
  paths: {
    '/v1/users': { post: { summary: 'Register' } },
    '/v1/users/me': { get: { summary: 'The caller' } },
    '/v1/auth/login': { post: { summary: 'Log in' } },
    '/health/ready': { get: { summary: 'Readiness probe' } },
  },
  components: {
    schemas: { ErrorResponse: ERROR_RESPONSE, User: { type: 'object' } },
    securitySchemes: { bearerAuth: BEARER },
  },
};
const ORDERS_DOCUMENT = {
  openapi: '3.1.0',
  info: { title: 'shop-orders', version: '0.1.0' },
  tags: [{ name: 'orders' }, { name: 'health' }],
  paths: {
    '/v1/orders': { get: { summary: 'List' }, post: { summary: 'Place' } },
    '/v1/orders/{id}': { get: { summary: 'One order' } },
    '/v1/products': { get: { summary: 'Catalog' } },
    '/health/live': { get: { summary: 'Liveness probe' } },
  },
  components: {
    schemas: { ErrorResponse: ERROR_RESPONSE, Order: { type: 'object' } },
    securitySchemes: { bearerAuth: BEARER },
  },
};

describe('the aggregated OpenAPI document', () => {
  const users = new FakeUpstream('users');
  const orders = new FakeUpstream('orders');
  let app: App;

  beforeAll(async () => {
    users.openapi = USERS_DOCUMENT;
    orders.openapi = ORDERS_DOCUMENT;
    app = await buildTestGateway({ users: await users.start(), orders: await orders.start() });
  });

  afterAll(async () => {
    await app.close();
    await Promise.all([users.stop(), orders.stop()]);
  });

  it("merges the services' routed paths, components and tags at /openapi.json", async () => {
    const response = await app.inject({ method: 'GET', url: '/openapi.json' });

    expect(response.statusCode).toBe(200);
    const document = response.json<Record<string, unknown>>();
    expect(document).toMatchObject({ openapi: '3.1.0', info: { title: PROJECT.system } });
    expect(Object.keys(document.paths as object).toSorted()).toEqual([
      '/v1/auth/login',
      '/v1/orders',
      '/v1/orders/{id}',
      '/v1/products',
      '/v1/users',
      '/v1/users/me',
    ]);
    expect(document.components).toEqual({
      schemas: { ErrorResponse: ERROR_RESPONSE, User: { type: 'object' }, Order: { type: 'object' } },
      securitySchemes: { bearerAuth: BEARER },
    });
    expect(document.tags).toEqual([{ name: 'users' }, { name: 'health' }, { name: 'orders' }]);
    expect(document).not.toHaveProperty('x-unavailable-services');
  });

  it("adds to each operation the statuses the gateway itself answers, keeping the service's own", async () => {
    const usersWithResponses = new FakeUpstream('users');
    usersWithResponses.openapi = {
      ...USERS_DOCUMENT,
      paths: { ...USERS_DOCUMENT.paths, '/v1/users': { post: { responses: { 201: { description: 'Created' } } } } },
    };
    const gateway = await buildTestGateway({ users: await usersWithResponses.start(), orders: await unusedUrl() });
    try {
      const response = await gateway.inject({ method: 'GET', url: '/openapi.json' });
      interface Operation {
        responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
      }
      const { paths } = response.json<{ paths: Record<string, Record<string, Operation>> }>();

      const register = paths['/v1/users']?.post?.responses ?? {};
      expect(Object.keys(register).toSorted()).toEqual(['201', '401', '413', '429', '500', '502', '503', '504']);
      expect(register['201']).toEqual({ description: 'Created' });
      expect(register['504']?.content?.['application/json']?.schema).toMatchObject({ title: 'ErrorResponse' });
      // A request without a body cannot be too large.
      expect(Object.keys(paths['/v1/users/me']?.get?.responses ?? {})).not.toContain('413');
    } finally {
      await gateway.close();
      await usersWithResponses.stop();
    }
  });

  it('shows the same document in Swagger UI at /docs', async () => {
    const page = await app.inject({ method: 'GET', url: '/docs/' });
    const json = await app.inject({ method: 'GET', url: '/docs/json' });

    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    // An HTML page: helmet's document headers on top of the API's JSON policy.
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(json.json()).toEqual((await app.inject({ method: 'GET', url: '/openapi.json' })).json());
  });
});

describe('OpenApiAggregator', () => {
  const logger = createLogger({ level: 'silent' });

  it('keeps serving the last document of a service that went down', async () => {
    const users = new FakeUpstream('users');
    const orders = new FakeUpstream('orders');
    users.openapi = USERS_DOCUMENT;
    orders.openapi = ORDERS_DOCUMENT;
    const upstreams = upstreamsOf({ users: await users.start(), orders: await orders.start(), timeoutMs: 1000 });
    const aggregator = new OpenApiAggregator({
      base: { openapi: '3.1.0', info: { title: 'shop', version: '1.0.0' } },
      upstreams,
      ttlMs: 0,
      timeoutMs: 1000,
      logger,
    });
    try {
      expect((await aggregator.document()).paths).toHaveProperty(['/v1/orders/{id}']);

      await orders.stop();

      const document = await aggregator.document();
      expect(document.paths).toHaveProperty(['/v1/orders/{id}']);
      expect(document.paths).toHaveProperty(['/v1/users/me']);
    } finally {
      await users.stop();
    }
  });

  it('leaves out, and names, a service that never answered', async () => {
    const users = new FakeUpstream('users');
    users.openapi = USERS_DOCUMENT;
    const upstreams = upstreamsOf({ users: await users.start(), orders: await unusedUrl(), timeoutMs: 1000 });
    const aggregator = new OpenApiAggregator({
      base: { openapi: '3.1.0', info: { title: 'shop', version: '1.0.0' } },
      upstreams,
      ttlMs: 60_000,
      timeoutMs: 1000,
      logger,
    });
    try {
      const document = await aggregator.document();

      expect(Object.keys(document.paths ?? {}).toSorted()).toEqual(['/v1/auth/login', '/v1/users', '/v1/users/me']);
      expect(document['x-unavailable-services']).toEqual(['orders']);
    } finally {
      await users.stop();
    }
  });
});

describe('mergeOpenApi', () => {
  it('renames a component two services define differently, with the references to it', () => {
    const money = (type: 'integer' | 'string') => ({ schemas: { Money: { type } } });
    const priced = (path: string) => ({
      [path]: {
        get: {
          responses: {
            200: {
              description: 'ok',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Money' } } },
            },
          },
        },
      },
    });
    const info = { title: 'shop', version: '1.0.0' };
    const document = mergeOpenApi({ openapi: '3.1.0', info }, [
      {
        service: 'users',
        routes: ['/v1/users'],
        document: { openapi: '3.1.0', info, paths: priced('/v1/users'), components: money('integer') },
      },
      {
        service: 'orders',
        routes: ['/v1/orders'],
        document: { openapi: '3.1.0', info, paths: priced('/v1/orders'), components: money('string') },
      },
    ]);

    expect(document.components).toEqual({ schemas: { Money: { type: 'integer' }, Money1: { type: 'string' } } });
    expect(JSON.stringify(document.paths?.['/v1/orders'])).toContain('#/components/schemas/Money1');
    expect(JSON.stringify(document.paths?.['/v1/users'])).not.toContain('Money1');
  });
});
