import { beforeEach, describe, expect, it } from 'vitest';
import type { Cache } from '../../src/infrastructure/cache/cache.js';
import { createMemoryCache } from '../../src/infrastructure/cache/memory-cache.js';
import { createEventBus } from '../../src/infrastructure/events/event-bus.js';
import {
  InvalidCursorError,
  OrderAlreadyCancelledError,
  OrderNotFoundError,
  UnknownProductError,
} from '../../src/modules/orders/orders.errors.js';
import renderOrdersCsv from '../../src/modules/orders/orders-export.task.js';
import { OrdersService } from '../../src/modules/orders/orders.service.js';
import type { DomainEvents, OrderPlaced } from '../../src/shared/events.js';
import { InMemoryOrdersRepository } from '../helpers/orders.js';
import { captureLogs } from '../helpers/logs.js';

const ADA = '11111111-1111-4111-8111-111111111111';
const GRACE = '22222222-2222-4222-8222-222222222222';

/** Counts reads and writes, to tell cache hits from misses. */
class SpyCache implements Cache {
  readonly gets: string[] = [];
  readonly deletes: string[] = [];
  readonly #inner = createMemoryCache({ maxEntries: 100 });

  get(key: string) {
    this.gets.push(key);
    return this.#inner.get(key);
  }

  set(key: string, value: string, ttlSeconds: number) {
    return this.#inner.set(key, value, ttlSeconds);
  }

  delete(key: string) {
    this.deletes.push(key);
    return this.#inner.delete(key);
  }
}

describe('OrdersService', () => {
  let orders: InMemoryOrdersRepository;
  let cache: SpyCache;
  let published: OrderPlaced[];
  let service: OrdersService;

  beforeEach(() => {
    orders = new InMemoryOrdersRepository();
    cache = new SpyCache();
    published = [];
    const events = createEventBus<DomainEvents>(captureLogs().logger);
    events.subscribe('order.placed', async (event) => {
      published.push(event);
    });
    service = new OrdersService({
      orders,
      cache,
      events,
      exportRenderer: { renderCsv: async (ordersJson) => renderOrdersCsv({ ordersJson }) },
      cacheTtlSeconds: 60,
    });
  });

  describe('place', () => {
    it('prices the lines from the catalogue and totals them in cents', async () => {
      const order = await service.place(ADA, [
        { sku: 'SHIRT-TS', quantity: 3 },
        { sku: 'STICKERS', quantity: 1 },
      ]);

      expect(order).toMatchObject({
        status: 'placed',
        totalCents: 3 * 2200 + 500,
        currency: 'EUR',
        items: [
          { sku: 'SHIRT-TS', name: 'TypeScript T-shirt', quantity: 3, unitPriceCents: 2200, lineTotalCents: 6600 },
          { sku: 'STICKERS', name: 'Sticker pack', quantity: 1, unitPriceCents: 500, lineTotalCents: 500 },
        ],
      });
      expect(orders.rows.get(order.id)?.userId).toBe(ADA);
    });

    it('publishes order.placed with the order, once it is stored', async () => {
      const order = await service.place(ADA, [{ sku: 'MUG-NODE', quantity: 2 }]);

      expect(published).toEqual([
        {
          orderId: order.id,
          userId: ADA,
          items: [{ sku: 'MUG-NODE', name: 'Node.js mug', quantity: 2, unitPriceCents: 1250 }],
          totalCents: 2500,
          currency: 'EUR',
          placedAt: order.createdAt,
        },
      ]);
    });

    it('publishes nothing when the order cannot be stored', async () => {
      orders.failNextInsert = new Error('connection lost');

      await expect(service.place(ADA, [{ sku: 'MUG-NODE', quantity: 1 }])).rejects.toThrow('connection lost');
      expect(published).toEqual([]);
    });

    it('refuses an unknown product before storing anything', async () => {
      await expect(service.place(ADA, [{ sku: 'NOPE', quantity: 1 }])).rejects.toBeInstanceOf(UnknownProductError);
      expect(orders.rows.size).toBe(0);
    });
  });

  describe('getOrderJson', () => {
    it('reads the repository on a miss, then serves the cached JSON', async () => {
      const placed = await service.place(ADA, [{ sku: 'STICKERS', quantity: 1 }]);

      const first = await service.getOrderJson(ADA, placed.id);
      const second = await service.getOrderJson(ADA, placed.id);

      expect(JSON.parse(first)).toEqual(placed);
      expect(second).toBe(first);
      expect(orders.reads).toBe(1);
    });

    it("refuses another user's order, and caches nothing for them", async () => {
      const placed = await service.place(ADA, [{ sku: 'STICKERS', quantity: 1 }]);

      await expect(service.getOrderJson(GRACE, placed.id)).rejects.toBeInstanceOf(OrderNotFoundError);
      await expect(service.getOrderJson(GRACE, placed.id)).rejects.toBeInstanceOf(OrderNotFoundError);
      expect(orders.reads).toBe(2);
    });
  });

  describe('cancel', () => {
    it('cancels the order and invalidates its cache entry', async () => {
      const placed = await service.place(ADA, [{ sku: 'STICKERS', quantity: 1 }]);
      await service.getOrderJson(ADA, placed.id);

      const cancelled = await service.cancel(ADA, placed.id);

      expect(cancelled.status).toBe('cancelled');
      expect(cache.deletes).toEqual([cache.gets[0]]);
      expect(JSON.parse(await service.getOrderJson(ADA, placed.id))).toMatchObject({ status: 'cancelled' });
    });

    it('tells an order already cancelled from one that does not exist', async () => {
      const placed = await service.place(ADA, [{ sku: 'STICKERS', quantity: 1 }]);
      await service.cancel(ADA, placed.id);

      await expect(service.cancel(ADA, placed.id)).rejects.toBeInstanceOf(OrderAlreadyCancelledError);
      await expect(service.cancel(GRACE, placed.id)).rejects.toBeInstanceOf(OrderNotFoundError);
    });
  });

  describe('list', () => {
    it('asks for one order more than the page, to know whether another page follows', async () => {
      for (let index = 0; index < 3; index += 1) await service.place(ADA, [{ sku: 'STICKERS', quantity: 1 }]);

      const page = await service.list(ADA, { limit: 2 });
      const last = await service.list(ADA, { limit: 2, cursor: page.nextCursor ?? '' });

      expect(orders.lastListLimit).toBe(3);
      expect(page.orders).toHaveLength(2);
      expect(last.orders).toHaveLength(1);
      expect(last.nextCursor).toBeNull();
    });

    it('reads the items only when they are asked for', async () => {
      await service.place(ADA, [{ sku: 'STICKERS', quantity: 1 }]);

      const page = await service.list(ADA, { limit: 10, fields: 'id,status' });

      expect(orders.lastListIncludedItems).toBe(false);
      expect(Object.keys(page.orders[0] ?? {})).toEqual(['id', 'status']);
    });

    it('refuses a cursor it did not issue', async () => {
      await expect(service.list(ADA, { limit: 10, cursor: 'garbage' })).rejects.toBeInstanceOf(InvalidCursorError);
    });
  });
});
