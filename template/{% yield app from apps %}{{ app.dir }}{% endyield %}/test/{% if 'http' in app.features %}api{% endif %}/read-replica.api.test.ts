import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Database } from '../../src/infrastructure/database/database.js';
import { buildTestApp } from '../helpers/app.js';
import { countingDatabase, createTestDatabase } from '../helpers/database.js';
import { FakePasswordHasher } from '../helpers/fakes.js';
import { signUp, type TestUser } from '../helpers/users.js';

// DATABASE_READ_URL: two connections to one database here, each counting its statements, stand
// in for a primary and its replica.
describe('with a read replica', () => {
  let database: Database;
  let primary: Database & { readonly statements: string[] };
  let replica: Database & { readonly statements: string[] };
  let app: App;
  let ada: TestUser;

  beforeAll(async () => {
    database = await createTestDatabase();
    primary = countingDatabase(database);
    replica = countingDatabase(database);
    app = await buildTestApp({ database: primary, readDatabase: replica, passwordHasher: new FakePasswordHasher() });
    ada = await signUp(app);
  });

  afterAll(async () => {
    await app.close();
    await database.close();
  });

  /** The statements each side ran during `work`. */
  async function routed(work: () => Promise<unknown>) {
    const before = { primary: primary.statements.length, replica: replica.statements.length };
    await work();
    return { primary: primary.statements.slice(before.primary), replica: replica.statements.slice(before.replica) };
  }

  it('sends the order queries to the replica and the commands to the primary', async () => {
    let id = '';
    const placing = await routed(async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/v1/orders',
        headers: ada.headers,
        payload: { items: [{ sku: 'STICKERS', quantity: 1 }] },
      });
      id = response.json<{ id: string }>().id;
    });
    const reading = await routed(async () => {
      await app.inject({ method: 'GET', url: `/v1/orders/${id}`, headers: ada.headers });
      await app.inject({ method: 'GET', url: '/v1/orders', headers: ada.headers });
      await app.inject({ method: 'GET', url: '/v1/orders/export', headers: ada.headers });
    });
    const cancelling = await routed(() =>
      app.inject({ method: 'POST', url: `/v1/orders/${id}/cancel`, headers: ada.headers }),
    );

    expect(placing.replica).toEqual([]);
    expect(placing.primary).toContainEqual(expect.stringContaining('INSERT INTO orders'));
    expect(reading.primary).toEqual([]);
    expect(reading.replica).toHaveLength(3);
    expect(cancelling.replica).toEqual([]);
    expect(cancelling.primary).toEqual([expect.stringContaining("UPDATE orders SET status = 'cancelled'")]);
  });

  it('checks the replica in the readiness probe and reports its pool', async () => {
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });

    expect(ready.json()).toEqual({ status: 'ok', checks: { database: 'up', 'database-replica': 'up' } });
    expect(metrics.body).toContain('db_pool_connections{pool="replica",state="total"}');
  });
});
