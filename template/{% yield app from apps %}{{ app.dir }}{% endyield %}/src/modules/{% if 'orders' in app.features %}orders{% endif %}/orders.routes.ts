import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Cache } from '../../infrastructure/cache/cache.js';
import { PERSONAL_READ, publicRead } from '#platform/http/cache-policy';
import { conditionalGet } from '#platform/http/conditional-get';
import { ErrorResponse } from '#platform/http/error-response.schema';
import {
  DEFAULT_PAGE_SIZE,
  ListOrdersQuery,
  NotModified,
  OrderIdParams,
  OrderPageResponse,
  OrderResponse,
  OrdersCsv,
  PlaceOrderBody,
  ProductListResponse,
} from './orders.schemas.js';
import { ReleaseConstantBody, ResponseCache } from './orders.response-cache.js';
import type { OrdersService } from './orders.service.js';

export interface OrdersRoutesOptions {
  /** Places orders for the caller the access token names. */
  readonly service: OrdersService<FastifyRequest['user']>;
  /** Where serialized order bodies are kept between reads (Redis, or in memory). */
  readonly cache: Cache;
  readonly cacheTtlSeconds: number;
}

/**
 * The catalogue changes only with a release (it is code: orders.catalog.ts), and a release purges
 * it from the CDN by its key (README, "Caching and CDNs"): caches may keep it five minutes, serve
 * it stale for a minute while refreshing it, and for a day while the service fails (its prices are
 * for reading: an order is priced here, from the catalogue, never from the client).
 */
const CATALOGUE_READ = publicRead({
  maxAgeSeconds: 300,
  staleWhileRevalidateSeconds: 60,
  staleIfErrorSeconds: 86_400,
  purgeKey: 'products',
});

/** The cache key names the owner, so a cached order is never served to another user. */
function orderKey(userId: string, orderId: string): string {
  return `orders:${orderId}:${userId}`;
}

/**
 * HTTP only: schemas, status codes, caching headers and the cache of serialized bodies; the rules
 * live in OrdersService.
 */
export const ordersRoutes: FastifyPluginAsyncTypebox<OrdersRoutesOptions> = async (app, options) => {
  const { service } = options;
  const orderBodies = new ResponseCache(options.cache, options.cacheTtlSeconds);
  const productsBody = new ReleaseConstantBody();
  // Authenticated in preValidation, so rate limiting counts anonymous attempts too (see users.routes).
  const protectedRoute = { preValidation: app.authenticate } as const;
  const security = [{ bearerAuth: [] }];
  // The caller's own reads: an ETag from the body, stored by no cache, 304 for a current If-None-Match.
  const readRoute = { ...protectedRoute, onSend: conditionalGet(PERSONAL_READ) } as const;

  // Public: no token, the same answer for everyone, cacheable by browsers and shared caches.
  app.get(
    '/products',
    {
      onSend: [productsBody.rememberOnSend, conditionalGet(CATALOGUE_READ)],
      schema: {
        tags: ['orders'],
        summary: 'The products that can be ordered, with their prices',
        response: { 200: ProductListResponse, 304: NotModified, 429: ErrorResponse },
      },
    },
    async (_request, reply) => (productsBody.send(reply) ? reply : { products: service.products() }),
  );

  app.post(
    '/orders',
    {
      ...protectedRoute,
      schema: {
        tags: ['orders'],
        summary: 'Place an order',
        security,
        body: PlaceOrderBody,
        response: { 201: OrderResponse, 400: ErrorResponse, 401: ErrorResponse, 429: ErrorResponse },
      },
    },
    async (request, reply) => {
      const order = await service.place(request.user, request.body.items);
      return reply
        .status(201)
        .header('location', `${request.routeOptions.url ?? ''}/${order.id}`)
        .send(order);
    },
  );

  app.get(
    '/orders',
    {
      ...readRoute,
      schema: {
        tags: ['orders'],
        summary: "The caller's orders, newest first, a page at a time",
        security,
        querystring: ListOrdersQuery,
        response: { 200: OrderPageResponse, 304: NotModified, 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request) =>
      service.list(request.user.id, {
        // Filled in by validation from the schema's default; typed optional as the client sees it.
        limit: request.query.limit ?? DEFAULT_PAGE_SIZE,
        cursor: request.query.cursor,
        fields: request.query.fields,
      }),
  );

  app.get(
    '/orders/export',
    {
      ...protectedRoute,
      schema: {
        tags: ['orders'],
        summary: "The caller's orders as a CSV file",
        security,
        response: { 200: OrdersCsv, 401: ErrorResponse, 503: ErrorResponse },
      },
    },
    async (request, reply) => {
      const csv = await service.exportCsv(request.user.id);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="orders.csv"')
        .send(csv);
    },
  );

  app.get(
    '/orders/:id',
    {
      ...protectedRoute,
      onSend: [orderBodies.storeOnSend, conditionalGet(PERSONAL_READ)],
      schema: {
        tags: ['orders'],
        summary: 'One of the caller’s orders',
        security,
        params: OrderIdParams,
        response: {
          200: OrderResponse,
          304: NotModified,
          400: ErrorResponse,
          401: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const key = orderKey(request.user.id, request.params.id);
      if (await orderBodies.sendCached(reply, key)) return reply;
      return service.getOrder(request.user.id, request.params.id);
    },
  );

  app.post(
    '/orders/:id/cancel',
    {
      ...protectedRoute,
      schema: {
        tags: ['orders'],
        summary: 'Cancel a placed order',
        security,
        params: OrderIdParams,
        response: {
          200: OrderResponse,
          400: ErrorResponse,
          401: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request) => {
      const cancelled = await service.cancel(request.user.id, request.params.id);
      // No reader may get the order as it was.
      await orderBodies.invalidate(orderKey(request.user.id, request.params.id));
      return cancelled;
    },
  );
};
