import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Cache } from '../../infrastructure/cache/cache.js';
import { cpuTask, type CpuPool } from '../../infrastructure/cpu/cpu-pool.js';
import type { Database, Queryable } from '#platform/database/database';
import type { OutboxWriter } from '../../infrastructure/outbox/outbox.js';
import type { ExportInput } from './orders-export.task.js';
import { ORDERS_TABLES, SqlOrdersRepository, type ListSource, type OrderChangeRecorder } from './orders.repository.js';
import { ordersRoutes } from './orders.routes.js';
import { OrdersService, type OrderEvents } from './orders.service.js';

/** What every deployable that hosts the orders module gives it. */
export interface OrdersInfrastructure {
  readonly database: Database;
  /** Where queries go: a read replica, or the primary again. */
  readonly readDatabase: Queryable;
  readonly cache: Cache;
  readonly cacheTtlSeconds: number;
  /** Stores the events an order raises in the order's own transaction. */
  readonly outbox: OutboxWriter;
  readonly cpuPool: CpuPool;
  /** The orders' event-sourced history, when this deployable keeps one (order-history.ts). */
  readonly history?: OrderHistory | undefined;
}

/** Records every change of an order in its transaction, and serves the history it keeps. */
export interface OrderHistory {
  readonly recorder: OrderChangeRecorder;
  /** GET /orders/:id/history; registered beside the orders' own routes. */
  readonly routes: FastifyPluginAsyncTypebox;
}

type Caller = FastifyRequest['user'];

export interface OrdersModule {
  readonly service: OrdersService<Caller>;
  /** The HTTP routes; register them with the API version as prefix. */
  readonly routes: FastifyPluginAsyncTypebox;
}

export interface OrdersWiring {
  /** The events orders raise, as this deployable's contract has them. */
  readonly events: OrderEvents<Caller>;
  /** Where lists and exports are read: the orders' own tables unless a read model keeps them. */
  readonly listSource?: ListSource;
}

const renderExport = cpuTask<ExportInput, string>(new URL('./orders-export.task.js', import.meta.url));

/** Wires repository → service → routes; index.ts says which events and which read source. */
export function wireOrdersModule(options: OrdersInfrastructure, wiring: OrdersWiring): OrdersModule {
  const service = new OrdersService({
    orders: new SqlOrdersRepository({
      primary: options.database,
      replica: options.readDatabase,
      outbox: options.outbox,
      listSource: wiring.listSource ?? ORDERS_TABLES,
      history: options.history?.recorder,
    }),
    events: wiring.events,
    exportRenderer: { renderCsv: (ordersJson) => options.cpuPool.run(renderExport, { ordersJson }) },
  });
  const { cache, cacheTtlSeconds, history } = options;
  return {
    service,
    routes: async (app) => {
      await app.register(ordersRoutes, { service, cache, cacheTtlSeconds });
      if (history !== undefined) await app.register(history.routes);
    },
  };
}
