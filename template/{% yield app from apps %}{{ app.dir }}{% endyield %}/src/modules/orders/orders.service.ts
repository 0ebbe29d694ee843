import type { Cache } from '../../infrastructure/cache/cache.js';
import type { EventPublisher } from '../../infrastructure/events/event-bus.js';
import type { DomainEvents } from '../../shared/events.js';
import { CATALOG, CURRENCY, PRODUCTS } from './orders.catalog.js';
import { decodeCursor, encodeCursor } from './orders.cursor.js';
import {
  DuplicateProductError,
  InvalidCursorError,
  OrderAlreadyCancelledError,
  OrderNotFoundError,
  UnknownProductError,
} from './orders.errors.js';
import {
  ORDER_FIELDS,
  toOrderView,
  type OrderField,
  type OrderItem,
  type OrderLine,
  type OrderPage,
  type OrderView,
  type ProductView,
} from './orders.model.js';
import type { OrdersRepository } from './orders.repository.js';

/** Renders the CSV export off the event loop (a worker thread in production). */
export interface OrdersExportRenderer {
  renderCsv(ordersJson: string): Promise<string>;
}

export interface OrdersServiceDependencies {
  readonly orders: OrdersRepository;
  readonly cache: Cache;
  readonly events: EventPublisher<DomainEvents>;
  readonly exportRenderer: OrdersExportRenderer;
  readonly cacheTtlSeconds: number;
}

export interface ListRequest {
  readonly limit: number;
  readonly cursor?: string | undefined;
  /** Comma-separated field names (validated by the route schema); all fields when absent. */
  readonly fields?: string | undefined;
}

/** The export holds at most this many orders, the newest. */
export const EXPORT_MAX_ORDERS = 10_000;

/** Business rules of orders. Knows neither HTTP nor SQL. */
export class OrdersService {
  /** The catalogue only changes with a release: serialized on first use, then reused. */
  #productsJson: string | undefined;

  constructor(private readonly deps: OrdersServiceDependencies) {}

  /** The products that can be ordered, as serialized JSON (`{ "products": [...] }`). */
  productsJson(): string {
    this.#productsJson ??= JSON.stringify({ products: PRODUCTS.map(toProductView) });
    return this.#productsJson;
  }

  /**
   * Prices the lines from the catalogue, stores the order in one transaction, then publishes
   * `order.placed`. The event is published after the commit, so no subscriber ever sees an
   * order that was rolled back; an event lost to a crash in between is the price of the
   * in-process bus (the extracted preset uses a transactional outbox instead).
   */
  async place(userId: string, lines: readonly OrderLine[]): Promise<OrderView> {
    const items = priceLines(lines);
    const totalCents = items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0);
    const order = await this.deps.orders.insert({ userId, items, totalCents, currency: CURRENCY });
    await this.deps.events.publish('order.placed', {
      orderId: order.id,
      userId,
      items,
      totalCents,
      currency: order.currency,
      placedAt: order.createdAt.toISOString(),
    });
    return toOrderView(order);
  }

  /**
   * The order as serialized JSON, from the cache when it is there (cache-aside): a cache hit
   * costs no query, no mapping and no serialization.
   */
  async getOrderJson(userId: string, orderId: string): Promise<string> {
    const key = cacheKey(userId, orderId);
    const cached = await this.deps.cache.get(key);
    if (cached !== undefined) return cached;

    const order = await this.deps.orders.findById(userId, orderId);
    if (order === null) throw new OrderNotFoundError();
    const json = JSON.stringify(toOrderView(order));
    await this.deps.cache.set(key, json, this.deps.cacheTtlSeconds);
    return json;
  }

  async list(userId: string, request: ListRequest): Promise<OrderPage> {
    const after = request.cursor === undefined ? undefined : decodeCursor(request.cursor);
    if (request.cursor !== undefined && after === undefined) throw new InvalidCursorError();
    const fields = parseFields(request.fields);

    // One more than the page: whether it exists tells if there is a next page.
    const found = await this.deps.orders.listByUser(userId, {
      limit: request.limit + 1,
      after,
      includeItems: fields.includes('items'),
    });
    const page = found.slice(0, request.limit);
    const last = page.at(-1);
    return {
      orders: page.map((order) => project(toOrderView(order), fields)),
      nextCursor: found.length > request.limit && last !== undefined ? encodeCursor(last) : null,
    };
  }

  /** Cancels a placed order, and drops its cached copy so no reader sees the old status. */
  async cancel(userId: string, orderId: string): Promise<OrderView> {
    const cancelled = await this.deps.orders.cancel(userId, orderId);
    if (cancelled === null) {
      const status = await this.deps.orders.statusOf(userId, orderId);
      throw status === null ? new OrderNotFoundError() : new OrderAlreadyCancelledError();
    }
    await this.deps.cache.delete(cacheKey(userId, orderId));
    return toOrderView(cancelled);
  }

  /** The user's newest orders as CSV, one line per item. */
  async exportCsv(userId: string): Promise<string> {
    return this.deps.exportRenderer.renderCsv(await this.deps.orders.exportJson(userId, EXPORT_MAX_ORDERS));
  }
}

function toProductView(product: (typeof PRODUCTS)[number]): ProductView {
  return { sku: product.sku, name: product.name, unitPriceCents: product.unitPriceCents, currency: CURRENCY };
}

/** The cache key names the owner, so a cached order is never served to another user. */
function cacheKey(userId: string, orderId: string): string {
  return `orders:${orderId}:${userId}`;
}

function priceLines(lines: readonly OrderLine[]): OrderItem[] {
  const seen = new Set<string>();
  return lines.map(({ sku, quantity }) => {
    const product = CATALOG.get(sku);
    if (product === undefined) throw new UnknownProductError(sku);
    if (seen.has(sku)) throw new DuplicateProductError(sku);
    seen.add(sku);
    return { sku, name: product.name, quantity, unitPriceCents: product.unitPriceCents };
  });
}

function parseFields(fields: string | undefined): readonly OrderField[] {
  if (fields === undefined) return ORDER_FIELDS;
  const requested = new Set(fields.split(','));
  return ORDER_FIELDS.filter((field) => requested.has(field));
}

function project(view: OrderView, fields: readonly OrderField[]): Partial<OrderView> {
  if (fields.length === ORDER_FIELDS.length) return view;
  return Object.fromEntries(fields.map((field) => [field, view[field]]));
}
