// Public interface of the orders module: the rest of the application imports from here only.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Cache } from '../../infrastructure/cache/cache.js';
import { cpuTask, type CpuPool } from '../../infrastructure/cpu/cpu-pool.js';
import type { Database, Queryable } from '../../infrastructure/database/database.js';
import type { EventPublisher } from '../../infrastructure/events/event-bus.js';
import type { DomainEvents } from '../../shared/events.js';
import type { ExportInput } from './orders-export.task.js';
import { SqlOrdersRepository } from './orders.repository.js';
import { ordersRoutes } from './orders.routes.js';
import { OrdersService } from './orders.service.js';

export type { OrdersService } from './orders.service.js';

export interface OrdersModuleOptions {
  readonly database: Database;
  /** Where queries go: a read replica, or the primary again. */
  readonly readDatabase: Queryable;
  readonly cache: Cache;
  readonly cacheTtlSeconds: number;
  readonly events: EventPublisher<DomainEvents>;
  readonly cpuPool: CpuPool;
}

export interface OrdersModule {
  readonly service: OrdersService;
  /** The HTTP routes; register them with the API version as prefix. */
  readonly routes: FastifyPluginAsyncTypebox;
}

const renderExport = cpuTask<ExportInput, string>(new URL('./orders-export.task.js', import.meta.url));

/** Wires repository → service → routes. */
export function createOrdersModule(options: OrdersModuleOptions): OrdersModule {
  const service = new OrdersService({
    orders: new SqlOrdersRepository(options.database, options.readDatabase),
    cache: options.cache,
    cacheTtlSeconds: options.cacheTtlSeconds,
    events: options.events,
    exportRenderer: { renderCsv: (ordersJson) => options.cpuPool.run(renderExport, { ordersJson }) },
  });
  return {
    service,
    routes: async (app) => {
      await app.register(ordersRoutes, { service });
    },
  };
}
