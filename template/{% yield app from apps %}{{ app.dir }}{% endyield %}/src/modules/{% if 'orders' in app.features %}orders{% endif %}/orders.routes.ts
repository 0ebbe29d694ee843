import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { conditionalGet, PRIVATE_REVALIDATE, PUBLIC_FIVE_MINUTES } from '../../infrastructure/http/conditional-get.js';
import { ErrorResponse } from '../../infrastructure/http/error-response.schema.js';
import {
  ListOrdersQuery,
  NotModified,
  OrderIdParams,
  OrderPageResponse,
  OrderResponse,
  OrdersCsv,
  PlaceOrderBody,
  ProductListResponse,
} from './orders.schemas.js';
import type { OrdersService } from './orders.service.js';

export interface OrdersRoutesOptions {
  readonly service: OrdersService;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** HTTP only: schemas, status codes and caching headers; the rules live in OrdersService. */
export const ordersRoutes: FastifyPluginAsyncTypebox<OrdersRoutesOptions> = async (app, { service }) => {
  // Authenticated in preValidation, so rate limiting counts anonymous attempts too (see users.routes).
  const protectedRoute = { preValidation: app.authenticate } as const;
  const security = [{ bearerAuth: [] }];
  // Read routes: an ETag from the body, Cache-Control, and 304 for a current If-None-Match.
  const readRoute = { ...protectedRoute, onSend: conditionalGet(PRIVATE_REVALIDATE) } as const;

  // Public: no token, the same answer for everyone, cacheable by browsers and shared caches.
  app.get(
    '/products',
    {
      onSend: conditionalGet(PUBLIC_FIVE_MINUTES),
      schema: {
        tags: ['orders'],
        summary: 'The products that can be ordered, with their prices',
        response: { 200: ProductListResponse, 304: NotModified, 429: ErrorResponse },
      },
    },
    async (_request, reply) =>
      // Serialized once for the process: sent as it is.
      reply.type(JSON_TYPE).send(service.productsJson() as unknown as ProductListResponse),
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
      const order = await service.place(request.user.id, request.body.items);
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
        limit: request.query.limit,
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
      ...readRoute,
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
      // Already serialized (and usually straight from the cache): sent as it is.
      const json = await service.getOrderJson(request.user.id, request.params.id);
      return reply.type(JSON_TYPE).send(json as unknown as OrderResponse);
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
    async (request) => service.cancel(request.user.id, request.params.id),
  );
};
