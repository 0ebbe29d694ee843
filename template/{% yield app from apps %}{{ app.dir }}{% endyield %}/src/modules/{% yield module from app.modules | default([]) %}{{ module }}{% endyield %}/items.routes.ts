import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponse } from '#platform/http/error-response.schema';
import type { Item } from './items.model.js';
import {
  CreateItemBody,
  ItemIdParams,
  ItemListResponse,
  ItemResponse,
  type ItemResponse as ItemBody,
} from './items.schemas.js';
import type { ItemsService } from './items.service.js';
import { MODULE_NAME } from './module-name.js';

export interface ItemsRoutesOptions {
  readonly service: ItemsService;
}

/** HTTP only: schemas and status codes; the rules live in ItemsService. Every route is the caller's own items. */
export const itemsRoutes: FastifyPluginAsyncTypebox<ItemsRoutesOptions> = async (app, { service }) => {
  const path = `/${MODULE_NAME}`;
  // preValidation rather than onRequest: requests with bad tokens still count against the rate limit,
  // and an anonymous caller gets 401, not details about the body it should send.
  const authenticated = { preValidation: app.authenticate };
  const documented = { tags: [MODULE_NAME], security: [{ bearerAuth: [] }] };

  app.post(
    path,
    {
      ...authenticated,
      schema: {
        ...documented,
        summary: 'Create an item',
        body: CreateItemBody,
        response: { 201: ItemResponse, 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request, reply) => {
      const item = await service.create(request.user.id, request.body.name);
      return reply.status(201).send(toItemBody(item));
    },
  );

  app.get(
    path,
    {
      ...authenticated,
      schema: {
        ...documented,
        summary: "The caller's items, newest first",
        response: { 200: ItemListResponse, 401: ErrorResponse },
      },
    },
    async (request) => ({ items: (await service.list(request.user.id)).map(toItemBody) }),
  );

  app.get(
    `${path}/:id`,
    {
      ...authenticated,
      schema: {
        ...documented,
        summary: "One of the caller's items",
        params: ItemIdParams,
        response: { 200: ItemResponse, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => toItemBody(await service.get(request.user.id, request.params.id)),
  );
};

function toItemBody(item: Item): ItemBody {
  return { id: item.id, name: item.name, createdAt: item.createdAt.toISOString() };
}
