import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/infrastructure/database/database.js';
import { SqlOrdersRepository } from '../../src/modules/orders/orders.repository.js';
import { SqlUsersRepository } from '../../src/modules/users/users.repository.js';
import { countingDatabase, createTestDatabase } from '../helpers/database.js';
import { uniqueEmail } from '../helpers/fakes.js';

// PGlite by default; the PostgreSQL of DATABASE_URL when it is set.
describe('SqlOrdersRepository', () => {
  let database: Database;
  let repository: SqlOrdersRepository;

  beforeAll(async () => {
    database = await createTestDatabase();
    repository = new SqlOrdersRepository(database);
  });

  afterAll(async () => {
    await database.close();
  });

  async function newUser(): Promise<string> {
    const user = await new SqlUsersRepository(database).insert({
      email: uniqueEmail(),
      name: 'Ada',
      passwordHash: 'x',
    });
    if (user === null) throw new Error('user not inserted');
    return user.id;
  }

  const items = [
    { sku: 'BOOK-SRE', name: 'Site Reliability Engineering', quantity: 1, unitPriceCents: 3990 },
    { sku: 'STICKERS', name: 'Sticker pack', quantity: 4, unitPriceCents: 500 },
  ];
  const newOrder = (userId: string) => ({ userId, items, totalCents: 5990, currency: 'EUR' });

  it('inserts an order with its items and finds it again, items in order', async () => {
    const userId = await newUser();

    const inserted = await repository.insert(newOrder(userId));

    expect(inserted).toMatchObject({ userId, status: 'placed', items, totalCents: 5990, currency: 'EUR' });
    await expect(repository.findById(userId, inserted.id)).resolves.toEqual(inserted);
  });

  it("keeps an order to its owner: another user's id finds nothing", async () => {
    const inserted = await repository.insert(newOrder(await newUser()));

    await expect(repository.findById(await newUser(), inserted.id)).resolves.toBeNull();
  });

  it('rolls the order back when an item cannot be stored', async () => {
    const userId = await newUser();

    await expect(
      repository.insert({ ...newOrder(userId), items: [{ ...items[0], quantity: 0 } as (typeof items)[0]] }),
    ).rejects.toThrow(/order_items_quantity_positive/);

    await expect(repository.listByUser(userId, { limit: 10, after: undefined, includeItems: false })).resolves.toEqual(
      [],
    );
  });

  it('pages by (created_at, id), so orders created in the same millisecond are neither skipped nor repeated', async () => {
    const userId = await newUser();
    // One transaction: now() is the same for every order, so only the id tells them apart.
    await database.transaction(async (tx) => {
      const inTransaction = new SqlOrdersRepository({ ...database, ...tx, transaction: (work) => work(tx) });
      for (let index = 0; index < 5; index += 1) await inTransaction.insert(newOrder(userId));
    });

    const seen: string[] = [];
    let after: { createdAt: Date; id: string } | undefined;
    for (;;) {
      const page = await repository.listByUser(userId, { limit: 2, after, includeItems: false });
      if (page.length === 0) break;
      seen.push(...page.map(({ id }) => id));
      const last = page.at(-1);
      after = last === undefined ? undefined : { createdAt: last.createdAt, id: last.id };
    }

    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    expect(seen).toEqual(seen.toSorted().toReversed()); // same created_at: newest first means id descending
  });

  it('reads a page of orders with their items in one statement', async () => {
    const userId = await newUser();
    for (let index = 0; index < 3; index += 1) await repository.insert(newOrder(userId));
    const counting = countingDatabase(database);

    const page = await new SqlOrdersRepository(counting).listByUser(userId, {
      limit: 10,
      after: undefined,
      includeItems: true,
    });

    expect(page.map((order) => order.items)).toEqual([items, items, items]);
    expect(counting.statements).toHaveLength(1);
  });

  it('cancels a placed order once, and tells its status', async () => {
    const userId = await newUser();
    const inserted = await repository.insert(newOrder(userId));

    await expect(repository.cancel(userId, inserted.id)).resolves.toMatchObject({ status: 'cancelled', items });
    await expect(repository.cancel(userId, inserted.id)).resolves.toBeNull();
    await expect(repository.statusOf(userId, inserted.id)).resolves.toBe('cancelled');
    await expect(repository.statusOf(userId, randomUUID())).resolves.toBeNull();
  });

  it('exports the newest orders as JSON text, at most the number asked for', async () => {
    const userId = await newUser();
    for (let index = 0; index < 3; index += 1) await repository.insert(newOrder(userId));

    const exported = JSON.parse(await repository.exportJson(userId, 2)) as { items: unknown[]; createdAt: string }[];

    expect(exported).toHaveLength(2);
    expect(exported[0]?.items).toEqual(items);
    expect(exported[0]?.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    await expect(repository.exportJson(await newUser(), 10)).resolves.toBe('[]');
  });

  it('has an index for every column the queries filter or sort on', async () => {
    const { rows } = await database.query<{ indexdef: string }>(
      "SELECT indexdef FROM pg_indexes WHERE tablename IN ('orders', 'order_items') ORDER BY indexname",
    );

    const definitions = rows.map(({ indexdef }) => indexdef.replace(/ ON \S+\.| ON /, ' ON '));
    expect(definitions).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/ON order_items USING btree \(order_id, line\)/),
        expect.stringMatching(/ON orders USING btree \(id\)/),
        expect.stringMatching(/ON orders USING btree \(user_id, created_at DESC, id DESC\)/),
      ]),
    );
  });
});
