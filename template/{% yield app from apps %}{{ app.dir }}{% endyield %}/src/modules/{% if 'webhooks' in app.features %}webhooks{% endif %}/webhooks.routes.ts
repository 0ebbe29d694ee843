import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponse } from '#platform/http/error-response.schema';
import {
  CreatedWebhookResponse,
  CreateWebhookBody,
  DeliveryListResponse,
  Unsubscribed,
  WebhookIdParams,
  WebhookListResponse,
} from './webhooks.schemas.js';
import type { WebhooksService } from './webhooks.service.js';

export interface WebhooksRoutesOptions {
  readonly service: WebhooksService;
}

/** HTTP only: each user manages their own subscriptions and reads their deliveries. */
export const webhooksRoutes: FastifyPluginAsyncTypebox<WebhooksRoutesOptions> = async (app, { service }) => {
  // Authenticated in preValidation, so rate limiting counts anonymous attempts too (see users.routes).
  const protectedRoute = { preValidation: app.authenticate } as const;
  const security = [{ bearerAuth: [] }];
  const tags = ['webhooks'];

  app.post(
    '/webhooks',
    {
      ...protectedRoute,
      schema: {
        tags,
        summary: 'Subscribe a URL to order events; the answer holds the signing secret, shown only once',
        security,
        body: CreateWebhookBody,
        response: { 201: CreatedWebhookResponse, 400: ErrorResponse, 401: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      const created = await service.subscribe(request.user.id, request.body);
      return reply
        .status(201)
        .header('location', `${request.routeOptions.url ?? ''}/${created.id}`)
        .send(created);
    },
  );

  app.get(
    '/webhooks',
    {
      ...protectedRoute,
      schema: {
        tags,
        summary: "The caller's webhook subscriptions, at most 20 (without their secrets)",
        security,
        response: { 200: WebhookListResponse, 401: ErrorResponse },
      },
    },
    async (request) => ({ webhooks: await service.subscriptionsOf(request.user.id) }),
  );

  app.delete(
    '/webhooks/:id',
    {
      ...protectedRoute,
      schema: {
        tags,
        summary: 'Unsubscribe: nothing more is sent, pending deliveries included, and its delivery log is deleted',
        security,
        params: WebhookIdParams,
        response: { 204: Unsubscribed, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      await service.unsubscribe(request.user.id, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/webhooks/:id/deliveries',
    {
      ...protectedRoute,
      schema: {
        tags,
        summary: "A subscription's latest deliveries, each with its attempts",
        security,
        params: WebhookIdParams,
        response: { 200: DeliveryListResponse, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => ({ deliveries: await service.deliveries(request.user.id, request.params.id) }),
  );
};
