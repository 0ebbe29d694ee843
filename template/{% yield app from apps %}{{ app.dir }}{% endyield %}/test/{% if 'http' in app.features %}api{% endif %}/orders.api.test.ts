import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Database } from '../../src/infrastructure/database/database.js';
import { createInProcessJobRuntime, type InProcessJobRuntime } from '../../src/infrastructure/jobs/in-process-jobs.js';
import { createLogger } from '../../src/infrastructure/observability/logger.js';
import { buildTestApp } from '../helpers/app.js';
import { testConfig } from '../helpers/config.js';
import { countingDatabase, createTestDatabase } from '../helpers/database.js';
import { FakePasswordHasher, RecordingMailer } from '../helpers/fakes.js';
import { signUp, type TestUser } from '../helpers/users.js';

interface OrderBody {
  id: string;
  status: string;
  items: { sku: string; name: string; quantity: number; unitPriceCents: number; lineTotalCents: number }[];
  totalCents: number;
  currency: string;
  createdAt: string;
}

interface PageBody {
  orders: Partial<OrderBody>[];
  nextCursor: string | null;
}

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

// The whole application on PGlite (or DATABASE_URL), with the in-process job runner and a mail
// transport that records what it is given.
describe('orders API', () => {
  let database: Database & { readonly statements: string[] };
  let jobs: InProcessJobRuntime;
  let mailer: RecordingMailer;
  let app: App;
  let ada: TestUser;
  let grace: TestUser;

  beforeAll(async () => {
    database = countingDatabase(await createTestDatabase());
    jobs = createInProcessJobRuntime({ ...testConfig().jobs, logger: createLogger({ level: 'silent' }) });
    mailer = new RecordingMailer();
    app = await buildTestApp({ database, jobs, mailer, passwordHasher: new FakePasswordHasher() });
    ada = await signUp(app, 'Ada Lovelace');
    grace = await signUp(app, 'Grace Hopper');
  });

  afterAll(async () => {
    await app.close();
    await jobs.close();
    await database.close();
  });

  const place = (
    user: TestUser,
    items: unknown = [
      { sku: 'BOOK-DDIA', quantity: 2 },
      { sku: 'MUG-NODE', quantity: 1 },
    ],
  ) => app.inject({ method: 'POST', url: '/v1/orders', headers: user.headers, payload: { items } });

  /** Runs `work` and returns the SQL statements it sent to the database. */
  async function statementsDuring(work: () => Promise<unknown>): Promise<string[]> {
    const before = database.statements.length;
    await work();
    return database.statements.slice(before);
  }

  describe('POST /v1/orders', () => {
    it('places the order at catalogue prices and answers 201 with its location', async () => {
      const response = await place(ada);

      expect(response.statusCode).toBe(201);
      const order = response.json<OrderBody>();
      expect(order).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        status: 'placed',
        items: [
          {
            sku: 'BOOK-DDIA',
            name: 'Designing Data-Intensive Applications',
            quantity: 2,
            unitPriceCents: 4590,
            lineTotalCents: 9180,
          },
          { sku: 'MUG-NODE', name: 'Node.js mug', quantity: 1, unitPriceCents: 1250, lineTotalCents: 1250 },
        ],
        totalCents: 10430,
        currency: 'EUR',
        createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      });
      expect(response.headers.location).toBe(`/v1/orders/${order.id}`);
    });

    it('writes the order and its items in one transaction', async () => {
      const statements = await statementsDuring(() => place(ada));

      expect(statements.filter((sql) => sql.startsWith('INSERT'))).toEqual([
        expect.stringContaining('INSERT INTO orders'),
        expect.stringContaining('INSERT INTO order_items'),
      ]);
    });

    it.each([
      ['no items', []],
      ['a quantity of 0', [{ sku: 'BOOK-DDIA', quantity: 0 }]],
      ['a quantity over 100', [{ sku: 'BOOK-DDIA', quantity: 101 }]],
      ['a quantity sent as a string', [{ sku: 'BOOK-DDIA', quantity: '2' }]],
      ['a fractional quantity', [{ sku: 'BOOK-DDIA', quantity: 1.5 }]],
      ['a malformed SKU', [{ sku: 'book ddia', quantity: 1 }]],
      ['items that are not a list', { sku: 'BOOK-DDIA', quantity: 1 }],
    ])('answers 400 VALIDATION_FAILED for %s', async (_case, items) => {
      const response = await place(ada, items);

      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: [{ field: expect.stringMatching(/^body\.items/) }],
      });
    });

    it('ignores a price sent by the client: prices come from the catalogue', async () => {
      const response = await place(ada, [{ sku: 'BOOK-DDIA', quantity: 1, unitPriceCents: 1 }]);

      expect(response.statusCode).toBe(201);
      expect(response.json()).toMatchObject({ totalCents: 4590 });
    });

    it('answers 400 UNKNOWN_PRODUCT for a product not in the catalogue, and stores nothing', async () => {
      const statements = await statementsDuring(async () => {
        const response = await place(ada, [{ sku: 'NO-SUCH-THING', quantity: 1 }]);

        expect(response.statusCode).toBe(400);
        expect(response.json()).toMatchObject({ code: 'UNKNOWN_PRODUCT', message: 'Unknown product "NO-SUCH-THING"' });
      });
      expect(statements).toEqual([]);
    });

    it('answers 400 DUPLICATE_PRODUCT for a product listed twice', async () => {
      const response = await place(ada, [
        { sku: 'STICKERS', quantity: 1 },
        { sku: 'STICKERS', quantity: 2 },
      ]);

      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'DUPLICATE_PRODUCT' });
    });

    it('answers 401 without a token', async () => {
      const response = await app.inject({ method: 'POST', url: '/v1/orders', payload: { items: [] } });

      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ code: 'INVALID_TOKEN' });
    });
  });

  describe('GET /v1/orders/:id', () => {
    let order: OrderBody;

    beforeAll(async () => {
      order = (await place(ada)).json<OrderBody>();
    });

    const get = (user: TestUser, id: string, headers: Record<string, string> = {}) =>
      app.inject({ method: 'GET', url: `/v1/orders/${id}`, headers: { ...user.headers, ...headers } });

    it('returns the order with an ETag and Cache-Control', async () => {
      const response = await get(ada, order.id);

      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(response.json()).toEqual(order);
      expect(response.headers.etag).toMatch(/^"[\w-]{27}"$/);
      expect(response.headers['cache-control']).toBe('private, no-cache');
    });

    it('answers 304 without a body when If-None-Match names the current ETag', async () => {
      const { etag } = (await get(ada, order.id)).headers;

      for (const ifNoneMatch of [String(etag), `W/${String(etag)}`, `"stale", ${String(etag)}`, '*']) {
        const response = await get(ada, order.id, { 'if-none-match': ifNoneMatch });

        expect(response.statusCode).toBe(304);
        expect(response.body).toBe('');
        expect(response.headers.etag).toBe(etag);
      }
    });

    it('answers 200 when If-None-Match names an old ETag', async () => {
      const response = await get(ada, order.id, { 'if-none-match': '"an-old-version"' });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual(order);
    });

    it('reads the database on a cache miss and not on a hit', async () => {
      const fresh = (await place(ada)).json<OrderBody>();

      const miss = await statementsDuring(() => get(ada, fresh.id));
      const hit = await statementsDuring(() => get(ada, fresh.id));

      expect(miss).toEqual([expect.stringContaining('FROM orders o WHERE o.id = $1')]);
      expect(hit).toEqual([]);
    });

    it("answers 404 for another user's order, exactly as for an unknown one", async () => {
      const others = await get(grace, order.id);
      const unknown = await get(grace, UNKNOWN_ID);

      expect(others.statusCode).toBe(404);
      expect(others.json()).toMatchObject({ code: 'ORDER_NOT_FOUND' });
      const withoutRequestId = (body: Record<string, unknown>) => ({ ...body, requestId: undefined });
      expect(withoutRequestId(others.json())).toEqual(withoutRequestId(unknown.json()));
      expect(others.headers.etag).toBeUndefined();
    });

    it('answers 400 for an id that is not a UUID', async () => {
      const response = await get(ada, 'not-a-uuid');

      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ details: [{ field: 'params.id' }] });
    });

    it('answers 401 without a token', async () => {
      const response = await app.inject({ method: 'GET', url: `/v1/orders/${order.id}` });

      expect(response.statusCode).toBe(401);
    });
  });

  describe('POST /v1/orders/:id/cancel', () => {
    const cancel = (user: TestUser, id: string) =>
      app.inject({ method: 'POST', url: `/v1/orders/${id}/cancel`, headers: user.headers });

    it('cancels the order and invalidates its cached copy', async () => {
      const order = (await place(ada)).json<OrderBody>();
      const cached = await app.inject({ method: 'GET', url: `/v1/orders/${order.id}`, headers: ada.headers });
      expect(cached.json()).toMatchObject({ status: 'placed' });

      const cancelled = await cancel(ada, order.id);
      const statements = await statementsDuring(async () => {
        const reread = await app.inject({
          method: 'GET',
          url: `/v1/orders/${order.id}`,
          headers: { ...ada.headers, 'if-none-match': String(cached.headers.etag) },
        });

        // The old ETag no longer matches: the client gets the new state, not a 304.
        expect(reread.statusCode).toBe(200);
        expect(reread.json()).toMatchObject({ status: 'cancelled' });
      });

      expect(cancelled.statusCode).toBe(200);
      expect(cancelled.json()).toEqual({ ...order, status: 'cancelled' });
      expect(statements).toHaveLength(1); // a cache miss: read again from the database
    });

    it('answers 409 for an order already cancelled', async () => {
      const order = (await place(ada)).json<OrderBody>();
      await cancel(ada, order.id);

      const again = await cancel(ada, order.id);

      expect(again.statusCode).toBe(409);
      expect(again.json()).toMatchObject({ code: 'ORDER_ALREADY_CANCELLED' });
    });

    it("answers 404 for another user's order and leaves it placed", async () => {
      const order = (await place(ada)).json<OrderBody>();

      const response = await cancel(grace, order.id);

      expect(response.statusCode).toBe(404);
      const reread = await app.inject({ method: 'GET', url: `/v1/orders/${order.id}`, headers: ada.headers });
      expect(reread.json()).toMatchObject({ status: 'placed' });
    });

    it('answers 401 without a token', async () => {
      expect((await app.inject({ method: 'POST', url: `/v1/orders/${UNKNOWN_ID}/cancel` })).statusCode).toBe(401);
    });
  });

  describe('GET /v1/orders', () => {
    let shopper: TestUser;
    let placed: OrderBody[];
    /** The shopper's orders as one page: newest first, ties broken by id. */
    let newestFirst: OrderBody[];

    const list = (user: TestUser, query = '', headers: Record<string, string> = {}) =>
      app.inject({ method: 'GET', url: `/v1/orders${query}`, headers: { ...user.headers, ...headers } });

    beforeAll(async () => {
      shopper = await signUp(app, 'Katherine Johnson');
      placed = [];
      for (let index = 0; index < 5; index += 1) {
        placed.push((await place(shopper, [{ sku: 'STICKERS', quantity: index + 1 }])).json<OrderBody>());
      }
      newestFirst = (await list(shopper, '?limit=100')).json<{ orders: OrderBody[] }>().orders;
    });

    it('lists the orders newest first', () => {
      expect(newestFirst.map(({ id }) => id).toSorted()).toEqual(placed.map(({ id }) => id).toSorted());
      const times = newestFirst.map(({ createdAt }) => createdAt);
      expect(times).toEqual(times.toSorted().toReversed());
    });

    it('pages through every order, newest first, without gaps or repeats', async () => {
      const seen: string[] = [];
      const pageSizes: number[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor === null ? '?limit=2' : `?limit=2&cursor=${cursor}`;
        const page: PageBody = (await list(shopper, query)).json<PageBody>();
        pageSizes.push(page.orders.length);
        seen.push(...page.orders.map((order) => String(order.id)));
        cursor = page.nextCursor;
      } while (cursor !== null);

      expect(pageSizes).toEqual([2, 2, 1]);
      expect(seen).toEqual(newestFirst.map((order) => order.id));
    });

    it('returns no cursor when the last page is exactly full', async () => {
      const page = (await list(shopper, '?limit=5')).json<PageBody>();

      expect(page.orders).toHaveLength(5);
      expect(page.nextCursor).toBeNull();
    });

    it('returns full orders with their items by default, 20 at most', async () => {
      const page = (await list(shopper)).json<PageBody>();

      expect(page.orders).toHaveLength(5);
      expect(page.orders[0]).toEqual(placed.find(({ id }) => id === page.orders[0]?.id));
      expect(page.orders[0]?.items).toHaveLength(1);
    });

    it('returns an empty page for a user without orders', async () => {
      const newcomer = await signUp(app, 'Newcomer');

      expect((await list(newcomer)).json()).toEqual({ orders: [], nextCursor: null });
    });

    it('reads a page of orders and their items in one query (no N+1)', async () => {
      const statements = await statementsDuring(() => list(shopper, '?limit=5'));

      expect(statements).toHaveLength(1);
      expect(statements[0]).toContain('order_items');
    });

    it('returns only the fields asked for, and skips reading the items when they are not', async () => {
      let body: PageBody | undefined;
      const statements = await statementsDuring(async () => {
        body = (await list(shopper, '?limit=2&fields=id,totalCents')).json<PageBody>();
      });

      expect(body?.orders).toEqual(newestFirst.slice(0, 2).map(({ id, totalCents }) => ({ id, totalCents })));
      expect(statements.join()).not.toContain('order_items');
    });

    it('answers 304 when the page has not changed since the ETag the client holds', async () => {
      const first = await list(shopper, '?limit=2');

      const again = await list(shopper, '?limit=2', { 'if-none-match': String(first.headers.etag) });

      expect(first.headers['cache-control']).toBe('private, no-cache');
      expect(again.statusCode).toBe(304);
    });

    it.each([
      ['limit=0', 'querystring.limit'],
      ['limit=101', 'querystring.limit'],
      ['limit=ten', 'querystring.limit'],
      ['fields=id,password', 'querystring.fields'],
      ['cursor=', 'querystring.cursor'],
    ])('answers 400 for %s', async (query, field) => {
      const response = await list(shopper, `?${query}`);

      expect(response.statusCode).toBe(400);
      expect(response.json<{ details?: { field: string }[] }>().details?.[0]?.field).toBe(field);
    });

    it('answers 400 INVALID_CURSOR for a cursor it did not issue', async () => {
      const response = await list(shopper, '?cursor=bm90LWEtY3Vyc29y');

      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'INVALID_CURSOR' });
    });

    it("never lists another user's orders", async () => {
      const page = (await list(grace, '?limit=100')).json<PageBody>();

      expect(page.orders.map((order) => order.id)).not.toContain(placed[0]?.id);
    });

    it('answers 401 without a token', async () => {
      expect((await app.inject({ method: 'GET', url: '/v1/orders' })).statusCode).toBe(401);
    });
  });

  describe('GET /v1/orders/export', () => {
    it('returns the orders as CSV, one line per item, rendered in a worker thread', async () => {
      const buyer = await signUp(app, 'Hedy Lamarr');
      const order = (await place(buyer)).json<OrderBody>();

      const response = await app.inject({ method: 'GET', url: '/v1/orders/export', headers: buyer.headers });

      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(response.headers['content-disposition']).toBe('attachment; filename="orders.csv"');
      expect(response.body.split('\r\n')).toEqual([
        'order_id,created_at,status,sku,product,quantity,unit_price,line_total,order_total,currency',
        `${order.id},${order.createdAt},placed,BOOK-DDIA,Designing Data-Intensive Applications,2,45.90,91.80,104.30,EUR`,
        `${order.id},${order.createdAt},placed,MUG-NODE,Node.js mug,1,12.50,12.50,104.30,EUR`,
        '',
      ]);
    });

    it('answers 401 without a token', async () => {
      expect((await app.inject({ method: 'GET', url: '/v1/orders/export' })).statusCode).toBe(401);
    });
  });

  describe('confirmation e-mail', () => {
    const mailsTo = (user: TestUser) => mailer.sent.filter((mail) => mail.to === user.email);
    const attemptsTo = (user: TestUser) => mailer.attempts.filter((mail) => mail.to === user.email);

    it('is queued when an order is placed and sent once by the job', async () => {
      const buyer = await signUp(app, 'Mary Jackson');
      const order = (await place(buyer)).json<OrderBody>();
      await jobs.idle();

      const [mail, ...others] = mailsTo(buyer);
      expect(others).toEqual([]);
      expect(mail?.subject).toBe(`Your order ${order.id.slice(0, 8).toUpperCase()} is confirmed`);
      expect(mail?.text).toContain('Hello Mary Jackson');
      expect(mail?.text).toContain('2 × Designing Data-Intensive Applications: €91.80');
      expect(mail?.text).toContain('Total: €104.30');
    });

    it('is retried after a transient failure of the mail server, and sent once', async () => {
      const buyer = await signUp(app, 'Dorothy Vaughan');
      mailer.failNext(1);

      await place(buyer);
      await jobs.idle();

      expect(attemptsTo(buyer)).toHaveLength(2);
      expect(mailsTo(buyer)).toHaveLength(1);
      const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(metrics).toMatch(
        /jobs_processed_total\{queue="notifications",job="order-confirmation",outcome="retried"\} [1-9]/,
      );
      expect(metrics).toMatch(
        /jobs_processed_total\{queue="notifications",job="order-confirmation",outcome="completed"\} [1-9]/,
      );
      expect(metrics).toContain('jobs_queue_depth{queue="notifications",state="waiting"} 0');
    });

    it('is not retried when the mail server rejects the message, and is kept as failed', async () => {
      const buyer = await signUp(app, 'Annie Easley');
      mailer.rejectNext();

      const order = (await place(buyer)).json<OrderBody>();
      await jobs.idle();

      expect(attemptsTo(buyer)).toHaveLength(1);
      expect(mailsTo(buyer)).toEqual([]);
      expect(jobs.failedJobs()).toContainEqual(
        expect.objectContaining({ name: 'order-confirmation', id: `order-confirmation-${order.id}` }),
      );
      const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(metrics).toMatch(/jobs_queue_depth\{queue="notifications",state="failed"\} [1-9]/);
    });
  });
});
