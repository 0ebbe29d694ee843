import { randomUUID } from 'node:crypto';
import type { NewOrder, Order, OrderStatus } from '../../src/modules/orders/orders.model.js';
import type { ListOptions, OrdersRepository } from '../../src/modules/orders/orders.repository.js';

/** The repository's contract in memory, with counters for what the service asked of it. */
export class InMemoryOrdersRepository implements OrdersRepository {
  readonly rows = new Map<string, Order>();
  reads = 0;
  lastListLimit: number | undefined;
  lastListIncludedItems: boolean | undefined;
  failNextInsert: Error | undefined;
  #clock = Date.parse('2030-01-01T00:00:00.000Z');

  insert(order: NewOrder): Promise<Order> {
    const failure = this.failNextInsert;
    this.failNextInsert = undefined;
    if (failure !== undefined) return Promise.reject(failure);
    this.#clock += 1000;
    const stored: Order = { ...order, id: randomUUID(), status: 'placed', createdAt: new Date(this.#clock) };
    this.rows.set(stored.id, stored);
    return Promise.resolve(stored);
  }

  findById(userId: string, orderId: string): Promise<Order | null> {
    this.reads += 1;
    const order = this.rows.get(orderId);
    return Promise.resolve(order?.userId === userId ? order : null);
  }

  listByUser(userId: string, options: ListOptions): Promise<Order[]> {
    this.lastListLimit = options.limit;
    this.lastListIncludedItems = options.includeItems;
    const after = options.after;
    const found = [...this.rows.values()]
      .filter((order) => order.userId === userId)
      .filter((order) => after === undefined || order.createdAt < after.createdAt)
      .toSorted((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .slice(0, options.limit)
      .map((order) => (options.includeItems ? order : { ...order, items: [] }));
    return Promise.resolve(found);
  }

  cancel(userId: string, orderId: string): Promise<Order | null> {
    const order = this.rows.get(orderId);
    if (order?.userId !== userId || order.status !== 'placed') return Promise.resolve(null);
    const cancelled = { ...order, status: 'cancelled' as const };
    this.rows.set(orderId, cancelled);
    return Promise.resolve(cancelled);
  }

  statusOf(userId: string, orderId: string): Promise<OrderStatus | null> {
    const order = this.rows.get(orderId);
    return Promise.resolve(order?.userId === userId ? order.status : null);
  }

  exportJson(userId: string): Promise<string> {
    return Promise.resolve(JSON.stringify([...this.rows.values()].filter((order) => order.userId === userId)));
  }
}
