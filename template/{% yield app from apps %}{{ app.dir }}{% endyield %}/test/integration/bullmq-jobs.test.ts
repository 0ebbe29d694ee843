import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Database } from '../../src/infrastructure/database/database.js';
import { createBullmqJobRuntime } from '../../src/infrastructure/jobs/bullmq-jobs.js';
import { PermanentJobError, type JobOutcome, type JobRuntime } from '../../src/infrastructure/jobs/jobs.js';
import { createLogger } from '../../src/infrastructure/observability/logger.js';
import { closeRedis, type Redis } from '../../src/infrastructure/redis/redis.js';
import { runNotificationJobs } from '../../src/modules/notifications/index.js';
import { buildTestApp } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/database.js';
import { FakePasswordHasher, RecordingMailer } from '../helpers/fakes.js';
import { connectTestRedis, deleteKeys, REDIS_URL, uniqueKeyPrefix } from '../helpers/redis.js';
import { signUp } from '../helpers/users.js';

interface TestJobs {
  echo: { value: string };
}

const logger = createLogger({ level: 'silent' });

/** Resolves with the outcomes once `count` of them have been seen. */
function outcomes(runtime: JobRuntime, count: number): Promise<JobOutcome['outcome'][]> {
  const seen: JobOutcome['outcome'][] = [];
  return new Promise((resolve) => {
    runtime.onOutcome(({ outcome }) => {
      seen.push(outcome);
      if (seen.length === count) resolve(seen);
    });
  });
}

// BullMQ on the Redis of REDIS_URL, as in production: the API side adds jobs through a fail-fast
// connection, a worker side runs them through its own. Each test uses its own key prefix.
describe.runIf(REDIS_URL !== undefined)('BullMQ jobs', () => {
  const prefixes: string[] = [];
  const connections: Redis[] = [];
  const runtimes: JobRuntime[] = [];

  /** A producer and a worker runtime sharing a fresh key prefix. */
  async function pair(policy = { attempts: 3, backoffMs: 10 }) {
    const keyPrefix = uniqueKeyPrefix();
    prefixes.push(keyPrefix);
    const producerConnection = await connectTestRedis();
    const workerConnection = await connectTestRedis({ waitWhileDisconnected: true });
    connections.push(producerConnection, workerConnection);
    const options = { ...policy, keyPrefix, concurrency: 2, logger };
    const producer = createBullmqJobRuntime({ ...options, connection: producerConnection });
    const worker = createBullmqJobRuntime({ ...options, connection: workerConnection });
    runtimes.push(producer, worker);
    return { producer, worker, keyPrefix };
  }

  afterAll(async () => {
    for (const runtime of runtimes.toReversed()) await runtime.close();
    const cleaner = await connectTestRedis();
    for (const prefix of prefixes) await deleteKeys(cleaner, prefix);
    await closeRedis(cleaner);
    for (const connection of connections) await closeRedis(connection);
  });

  it('runs a job added by another process, with its data', async () => {
    const { producer, worker } = await pair();
    const received: string[] = [];
    const done = outcomes(worker, 1);
    worker.process<TestJobs>('test', {
      echo: async ({ value }) => {
        received.push(value);
      },
    });

    await producer.queue<TestJobs>('test').add('echo', { value: 'hello' });

    expect(await done).toEqual(['completed']);
    expect(received).toEqual(['hello']);
  });

  it('retries a failing job with backoff until it succeeds', async () => {
    const { producer, worker } = await pair({ attempts: 3, backoffMs: 10 });
    const attempts: number[] = [];
    const done = outcomes(worker, 3);
    worker.process<TestJobs>('test', {
      echo: async (_data, job) => {
        attempts.push(job.attempt);
        if (job.attempt < 3) throw new Error('not yet');
      },
    });

    await producer.queue<TestJobs>('test').add('echo', { value: 'x' });

    expect(await done).toEqual(['retried', 'retried', 'completed']);
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('keeps a job that exhausted its attempts, or failed permanently, in the failed set', async () => {
    const { producer, worker } = await pair({ attempts: 2, backoffMs: 10 });
    const done = outcomes(worker, 3);
    worker.process<TestJobs>('test', {
      echo: async ({ value }) => {
        throw value === 'permanent' ? new PermanentJobError('rejected') : new Error('down');
      },
    });
    const queue = producer.queue<TestJobs>('test');

    await queue.add('echo', { value: 'transient' });
    await queue.add('echo', { value: 'permanent' });

    expect((await done).toSorted()).toEqual(['failed', 'failed', 'retried']);
    expect(await producer.depth()).toEqual([{ queue: 'test', waiting: 0, active: 0, delayed: 0, failed: 2 }]);
  });

  it('adds a job with an id only once while it is pending', async () => {
    const { producer } = await pair();
    const queue = producer.queue<TestJobs>('test');

    await queue.add('echo', { value: 'x' }, { id: 'once' });
    await queue.add('echo', { value: 'x' }, { id: 'once' });

    expect(await producer.depth()).toEqual([{ queue: 'test', waiting: 1, active: 0, delayed: 0, failed: 0 }]);
  });

  it('lets the running job finish when the worker closes (graceful shutdown)', async () => {
    const { producer, worker } = await pair();
    let finished = false;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    worker.process<TestJobs>('test', {
      echo: async () => {
        started();
        await new Promise((resolve) => setTimeout(resolve, 200));
        finished = true;
      },
    });
    await producer.queue<TestJobs>('test').add('echo', { value: 'x' });
    await running;

    await worker.close();

    expect(finished).toBe(true);
  });

  describe('the order confirmation flow', () => {
    let database: Database;
    let app: App;
    let mailer: RecordingMailer;
    let worker: JobRuntime;

    beforeAll(async () => {
      const jobs = await pair({ attempts: 3, backoffMs: 10 });
      worker = jobs.worker;
      database = await createTestDatabase();
      mailer = new RecordingMailer();
      app = await buildTestApp({ database, jobs: jobs.producer, passwordHasher: new FakePasswordHasher() });
      // The worker process's side: the notification handlers with the mail transport.
      runNotificationJobs(worker, mailer);
    });

    afterAll(async () => {
      await app.close();
      await database.close();
    });

    const place = (headers: { authorization: string }) =>
      app.inject({
        method: 'POST',
        url: '/v1/orders',
        headers,
        payload: { items: [{ sku: 'STICKERS', quantity: 1 }] },
      });

    it('queues the e-mail when an order is placed; the worker sends it once', async () => {
      const buyer = await signUp(app);
      const done = outcomes(worker, 1);

      const response = await place(buyer.headers);

      expect(response.statusCode).toBe(201);
      expect(await done).toEqual(['completed']);
      expect(mailer.sent.filter((mail) => mail.to === buyer.email)).toHaveLength(1);
    });

    it('retries the e-mail after a transient failure, and sends it once', async () => {
      const buyer = await signUp(app);
      mailer.failNext(1);
      const done = outcomes(worker, 2);

      await place(buyer.headers);

      expect(await done).toEqual(['retried', 'completed']);
      expect(mailer.attempts.filter((mail) => mail.to === buyer.email)).toHaveLength(2);
      expect(mailer.sent.filter((mail) => mail.to === buyer.email)).toHaveLength(1);
    });
  });
});
