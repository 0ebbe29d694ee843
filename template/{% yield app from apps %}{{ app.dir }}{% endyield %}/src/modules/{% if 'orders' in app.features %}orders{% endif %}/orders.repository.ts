import type { Database, Queryable } from '#platform/database/database';
import type { OutboxEvent, OutboxWriter } from '../../infrastructure/outbox/outbox.js';
import type { OrderCursor } from './orders.cursor.js';
import type { NewOrder, Order, OrderItem, OrderStatus } from './orders.model.js';

export interface ListOptions {
  readonly limit: number;
  /** Orders strictly older than this sort key (the previous page's last order). */
  readonly after: OrderCursor | undefined;
  /** false: items are not read (they are the costly part) and come back empty. */
  readonly includeItems: boolean;
}

/** The events a change raises, computed from the changed order inside its transaction. */
export type Raises = (order: Order) => readonly OutboxEvent[];

export interface OrdersRepository {
  /** Inserts the order, its items and the events it `raises` (into the outbox) in one transaction. */
  insert(order: NewOrder, raises: Raises): Promise<Order>;
  /** The user's order, or null (unknown id, or another user's order). */
  findById(userId: string, orderId: string): Promise<Order | null>;
  /** The user's orders, newest first (from the list source: a read model is a moment behind). */
  listByUser(userId: string, options: ListOptions): Promise<Order[]>;
  /**
   * Cancels a placed order of the user with the events it `raises`, in one transaction; null when
   * there is no such order still placed (and nothing is raised).
   */
  cancel(userId: string, orderId: string, raises: Raises): Promise<Order | null>;
  /** The current status, read on the primary; null when the user has no such order. */
  statusOf(userId: string, orderId: string): Promise<OrderStatus | null>;
  /** The user's newest orders with their items, as a JSON array in one string (for the export). */
  exportJson(userId: string, maxOrders: number): Promise<string>;
}

/**
 * Keeps each change of an order as an event, written in the change's own transaction (the
 * event-sourced audit trail, order-history.store.ts): the event exists if and only if the change does.
 */
export interface OrderChangeRecorder {
  placed(tx: Queryable, order: Order): Promise<void>;
  cancelled(tx: Queryable, order: Order): Promise<void>;
}

/**
 * Where lists and exports read orders: a relation aliased `o` with the columns of `orders`
 * (id, user_id, status, total_cents, currency, created_at), and the SQL of an order's items as
 * a JSON array.
 */
export interface ListSource {
  readonly from: string;
  readonly itemsJson: string;
}

interface OrderRow extends Record<string, unknown> {
  id: string;
  user_id: string;
  status: OrderStatus;
  total_cents: number;
  currency: string;
  created_at: Date;
  items: OrderItem[] | null;
}

const ORDER_COLUMNS = 'o.id, o.user_id, o.status, o.total_cents, o.currency, o.created_at';

// The items of each order, aggregated in the same statement: one round trip for a whole page of
// orders and their items, never one query per order (N+1).
const ITEMS_JSON = `(
  SELECT coalesce(json_agg(json_build_object(
    'sku', i.sku, 'name', i.name, 'quantity', i.quantity, 'unitPriceCents', i.unit_price_cents
  ) ORDER BY i.line), '[]'::json)
  FROM order_items i WHERE i.order_id = o.id
)`;
const ITEMS = `${ITEMS_JSON} AS items`;

/** The orders' own tables: the list joins the items in the same statement. */
export const ORDERS_TABLES: ListSource = { from: 'orders o', itemsJson: ITEMS_JSON };

export interface SqlOrdersRepositoryOptions {
  readonly primary: Database;
  /** Where queries go: a read replica, or the primary again. */
  readonly replica: Queryable;
  readonly outbox: OutboxWriter;
  readonly listSource: ListSource;
  /** Absent: only the orders' current state is kept, no history of their changes. */
  readonly history?: OrderChangeRecorder | undefined;
}

/**
 * Commands (insert, cancel) write the orders' tables on the primary; the single-order read and the
 * status check read them too, so a client sees its own order at once. The list and the export read
 * the list source (the same tables, or a read model kept from the events). Queries go to the
 * replica, which is the primary too unless DATABASE_READ_URL names a read replica.
 */
export class SqlOrdersRepository implements OrdersRepository {
  private readonly primary: Database;
  private readonly replica: Queryable;
  private readonly outbox: OutboxWriter;
  private readonly source: ListSource;
  private readonly history: OrderChangeRecorder | undefined;

  constructor(options: SqlOrdersRepositoryOptions) {
    this.primary = options.primary;
    this.replica = options.replica;
    this.outbox = options.outbox;
    this.source = options.listSource;
    this.history = options.history;
  }

  async insert(order: NewOrder, raises: Raises): Promise<Order> {
    const stored = await this.primary.transaction(async (tx) => {
      const inserted = await insertOrder(tx, order);
      await this.history?.placed(tx, inserted);
      await this.outbox.append(tx, raises(inserted));
      return inserted;
    });
    this.outbox.committed();
    return stored;
  }

  async findById(userId: string, orderId: string): Promise<Order | null> {
    const { rows } = await this.replica.query<OrderRow>(
      `SELECT ${ORDER_COLUMNS}, ${ITEMS} FROM orders o WHERE o.id = $1 AND o.user_id = $2`,
      [orderId, userId],
    );
    return rows[0] === undefined ? null : toOrder(rows[0]);
  }

  async listByUser(userId: string, options: ListOptions): Promise<Order[]> {
    const items = options.includeItems ? `${this.source.itemsJson} AS items` : 'NULL AS items';
    const after = options.after === undefined ? '' : 'AND (o.created_at, o.id) < ($3, $4)';
    const params: unknown[] = [userId, options.limit];
    if (options.after !== undefined) params.push(options.after.createdAt, options.after.id);
    const { rows } = await this.replica.query<OrderRow>(
      `SELECT ${ORDER_COLUMNS}, ${items} FROM ${this.source.from}
       WHERE o.user_id = $1 ${after}
       ORDER BY o.created_at DESC, o.id DESC
       LIMIT $2`,
      params,
    );
    return rows.map(toOrder);
  }

  async cancel(userId: string, orderId: string, raises: Raises): Promise<Order | null> {
    const cancelled = await this.primary.transaction(async (tx) => {
      const order = await cancelOrder(tx, userId, orderId);
      if (order === null) return null;
      await this.history?.cancelled(tx, order);
      await this.outbox.append(tx, raises(order));
      return order;
    });
    if (cancelled !== null) this.outbox.committed();
    return cancelled;
  }

  async statusOf(userId: string, orderId: string): Promise<OrderStatus | null> {
    const { rows } = await this.primary.query<Pick<OrderRow, 'status'>>(
      'SELECT status FROM orders WHERE id = $1 AND user_id = $2',
      [orderId, userId],
    );
    return rows[0]?.status ?? null;
  }

  async exportJson(userId: string, maxOrders: number): Promise<string> {
    // PostgreSQL writes the JSON text itself: this process only passes the string on, unparsed.
    const { rows } = await this.replica.query<{ orders: string }>(
      `SELECT coalesce(json_agg(json_build_object(
         'id', o.id, 'status', o.status, 'totalCents', o.total_cents, 'currency', o.currency,
         'createdAt', to_char(o.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
         'items', ${this.source.itemsJson}
       ) ORDER BY o.created_at DESC, o.id DESC), '[]')::text AS orders
       FROM (
         SELECT o.* FROM ${this.source.from} WHERE o.user_id = $1 ORDER BY o.created_at DESC, o.id DESC LIMIT $2
       ) o`,
      [userId, maxOrders],
    );
    return rows[0]?.orders ?? '[]';
  }
}

function toOrder(row: OrderRow): Order {
  return {
    id: row.id,
    userId: row.user_id,
    status: row.status,
    items: row.items ?? [],
    totalCents: row.total_cents,
    currency: row.currency,
    createdAt: row.created_at,
  };
}

/** Cancels the user's order if it is still placed; the cancelled order, or null. */
async function cancelOrder(db: Queryable, userId: string, orderId: string): Promise<Order | null> {
  const { rows } = await db.query<OrderRow>(
    `WITH o AS (
       UPDATE orders SET status = 'cancelled', updated_at = now()
       WHERE id = $1 AND user_id = $2 AND status = 'placed'
       RETURNING id, user_id, status, total_cents, currency, created_at
     )
     SELECT ${ORDER_COLUMNS}, ${ITEMS} FROM o`,
    [orderId, userId],
  );
  return rows[0] === undefined ? null : toOrder(rows[0]);
}

/** The order and its items, in the caller's transaction: one INSERT for the order, one for all its lines. */
async function insertOrder(tx: Queryable, order: NewOrder): Promise<Order> {
  const { rows } = await tx.query<Pick<OrderRow, 'id' | 'status' | 'created_at'>>(
    'INSERT INTO orders (user_id, total_cents, currency) VALUES ($1, $2, $3) RETURNING id, status, created_at',
    [order.userId, order.totalCents, order.currency],
  );
  const inserted = rows[0];
  if (inserted === undefined) throw new Error('INSERT … RETURNING returned no row');

  await insertOrderItems(tx, inserted.id, order.items);
  return {
    id: inserted.id,
    userId: order.userId,
    status: inserted.status,
    items: order.items,
    totalCents: order.totalCents,
    currency: order.currency,
    createdAt: inserted.created_at,
  };
}

/** An order's lines, in the caller's transaction: one multi-row INSERT, numbered from 1 in their order. */
export async function insertOrderItems(tx: Queryable, orderId: string, items: readonly OrderItem[]): Promise<void> {
  // Only placeholders are generated; the values stay parameters.
  const values = items.map((_item, index) => {
    const at = 2 + index * 5;
    return `($1, $${at}, $${at + 1}, $${at + 2}, $${at + 3}, $${at + 4})`;
  });
  const params = items.flatMap((item, index) => [index + 1, item.sku, item.name, item.quantity, item.unitPriceCents]);
  await tx.query(
    `INSERT INTO order_items (order_id, line, sku, name, quantity, unit_price_cents) VALUES ${values.join(', ')}`,
    [orderId, ...params],
  );
}
