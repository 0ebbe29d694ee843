import type { OutboxEvent } from '../../infrastructure/outbox/outbox.js';
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
  type Order,
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

/** Who places an order: at least the user the access token names; the wiring may know more. */
export interface Customer {
  readonly id: string;
}

/**
 * The events an order's changes raise, stored with the change in one transaction (the outbox):
 * which events and what they carry is the deployable's contract, so the module's wiring says.
 */
export interface OrderEvents<C extends Customer = Customer> {
  /** What placing an order for `customer` raises; found before the transaction (it may look the customer up). */
  placing(customer: C): Promise<(order: Order) => readonly OutboxEvent[]>;
  /** What cancelling `order` raises, in the cancelling transaction. */
  cancelling(order: Order): readonly OutboxEvent[];
}

export interface OrdersServiceDependencies<C extends Customer> {
  readonly orders: OrdersRepository;
  readonly events: OrderEvents<C>;
  readonly exportRenderer: OrdersExportRenderer;
}

export interface ListRequest {
  readonly limit: number;
  readonly cursor?: string | undefined;
  /** Comma-separated field names (validated by the route schema); all fields when absent. */
  readonly fields?: string | undefined;
}

/** The export holds at most this many orders, the newest. */
export const EXPORT_MAX_ORDERS = 10_000;

/** Business rules of orders. Knows neither HTTP nor SQL, nor how a response is cached. */
export class OrdersService<C extends Customer = Customer> {
  constructor(private readonly deps: OrdersServiceDependencies<C>) {}

  /** The products that can be ordered, with their prices. */
  products(): ProductView[] {
    return PRODUCTS.map(({ sku, name, unitPriceCents }) => ({ sku, name, unitPriceCents, currency: CURRENCY }));
  }

  /**
   * Prices the lines from the catalogue and stores the order with its `order.placed` event in one
   * transaction (the outbox): the event exists if and only if the order does, and the relay
   * delivers it even if its destination is down now or this process stops next.
   */
  async place(customer: C, lines: readonly OrderLine[]): Promise<OrderView> {
    const items = priceLines(lines);
    const totalCents = items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0);
    const raises = await this.deps.events.placing(customer);
    const order = await this.deps.orders.insert({ userId: customer.id, items, totalCents, currency: CURRENCY }, raises);
    return toOrderView(order);
  }

  /** One of the user's orders. */
  async getOrder(userId: string, orderId: string): Promise<OrderView> {
    const order = await this.deps.orders.findById(userId, orderId);
    if (order === null) throw new OrderNotFoundError();
    return toOrderView(order);
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

  /** Cancels a placed order, with the events cancelling raises (one transaction, as for placing it). */
  async cancel(userId: string, orderId: string): Promise<OrderView> {
    const cancelled = await this.deps.orders.cancel(userId, orderId, (order) => this.deps.events.cancelling(order));
    if (cancelled === null) {
      const status = await this.deps.orders.statusOf(userId, orderId);
      throw status === null ? new OrderNotFoundError() : new OrderAlreadyCancelledError();
    }
    return toOrderView(cancelled);
  }

  /** The user's newest orders as CSV, one line per item. */
  async exportCsv(userId: string): Promise<string> {
    return this.deps.exportRenderer.renderCsv(await this.deps.orders.exportJson(userId, EXPORT_MAX_ORDERS));
  }
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
