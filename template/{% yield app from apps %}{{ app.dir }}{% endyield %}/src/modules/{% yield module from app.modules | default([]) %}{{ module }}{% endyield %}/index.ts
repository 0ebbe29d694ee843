// Public interface of the module: the rest of the application imports from here only.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Queryable } from '#platform/database/database';
import { SqlItemsRepository } from './items.repository.js';
import { itemsRoutes } from './items.routes.js';
import { ItemsService } from './items.service.js';

export type { Item } from './items.model.js';
export type { ItemsService } from './items.service.js';

export interface ItemsModuleOptions {
  readonly database: Queryable;
}

export interface ItemsModule {
  /** What other modules may call (through app.ts, which hands it to them). */
  readonly service: ItemsService;
  /** The HTTP routes; register them with the API version as prefix. */
  readonly routes: FastifyPluginAsyncTypebox;
}

/** Wires repository → service → routes. */
export function createItemsModule(options: ItemsModuleOptions): ItemsModule {
  const service = new ItemsService(new SqlItemsRepository(options.database));
  return {
    service,
    routes: async (app) => {
      await app.register(itemsRoutes, { service });
    },
  };
}
