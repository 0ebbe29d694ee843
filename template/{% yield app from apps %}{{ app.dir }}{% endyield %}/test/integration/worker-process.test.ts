import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBullmqJobRuntime } from '../../src/infrastructure/jobs/bullmq-jobs.js';
import type { JobRuntime } from '../../src/infrastructure/jobs/jobs.js';
import { createLogger } from '../../src/infrastructure/observability/logger.js';
import type { Redis } from '../../src/infrastructure/redis/redis.js';
import { NOTIFICATIONS_QUEUE } from '../../src/modules/notifications/index.js';
import type { NotificationJobs } from '../../src/modules/notifications/notifications.jobs.js';
import { startProcess } from '../helpers/processes.js';
import { connectTestRedis, deleteKeysAndClose, REDIS_URL, uniqueKeyPrefix } from '../helpers/redis.js';

describe('worker process', () => {
  it('refuses to start without REDIS_URL, in one line', async () => {
    const worker = startProcess('src/worker.ts', { NODE_ENV: 'development' });

    expect(await worker.exitCode()).toBe(1);
    expect(worker.stderr().trim()).toBe(
      'Invalid configuration: REDIS_URL is required by the worker process (without Redis, jobs run inside the API process)',
    );
  });

  // The worker as it runs in production: it takes the jobs the API queued in Redis.
  describe.runIf(REDIS_URL !== undefined)('with Redis', () => {
    const keyPrefix = uniqueKeyPrefix();
    let redis: Redis;
    let producer: JobRuntime;

    beforeAll(async () => {
      redis = await connectTestRedis();
      producer = createBullmqJobRuntime({
        connection: redis,
        keyPrefix,
        attempts: 3,
        backoffMs: 10,
        concurrency: 1,
        logger: createLogger({ level: 'silent' }),
      });
    });

    afterAll(async () => {
      await producer.close();
      await deleteKeysAndClose(redis, keyPrefix);
    });

    it(
      'sends the confirmation e-mail of a queued order, reports it, and stops gracefully',
      { timeout: 60_000 },
      async () => {
        const worker = startProcess('src/worker.ts', {
          NODE_ENV: 'development',
          REDIS_URL: String(REDIS_URL),
          REDIS_KEY_PREFIX: keyPrefix,
          HOST: '127.0.0.1',
          WORKER_PORT: '0',
        });
        await worker.waitForLog((line) => line.msg === 'worker started', 'worker started');
        const address = await worker.listening;

        await producer.queue<NotificationJobs>(NOTIFICATIONS_QUEUE).add('order-confirmation', {
          to: 'ada@example.com',
          customerName: 'Ada',
          order: {
            id: '3f2a9c10-0000-4000-8000-000000000000',
            items: [{ name: 'Node.js mug', quantity: 1, unitPriceCents: 1250 }],
            totalCents: 1250,
            currency: 'EUR',
            placedAt: '2030-01-01T10:00:00.000Z',
          },
        });

        const mail = await worker.waitForLog((line) => String(line.msg).startsWith('mail not sent'), 'the mail');
        const completed = await worker.waitForLog((line) => line.msg === 'job completed', 'job completed');
        expect(mail).toMatchObject({ to: 'ada@example.com', subject: 'Your order 3F2A9C10 is confirmed' });
        expect(completed).toMatchObject({ queue: 'notifications', job: 'order-confirmation', attempt: 1 });

        const metrics = await (await fetch(`${address}/metrics`)).text();
        expect(metrics).toContain(
          'jobs_processed_total{queue="notifications",job="order-confirmation",outcome="completed"} 1',
        );
        expect(metrics).toContain('jobs_queue_depth{queue="notifications",state="waiting"} 0');
        const ready = await fetch(`${address}/health/ready`);
        expect(await ready.json()).toEqual({ status: 'ok', checks: { redis: 'up' } });

        worker.child.kill('SIGTERM');

        expect(await worker.exitCode()).toBe(0);
        expect(worker.logLines.map((line) => line.msg).slice(-2)).toEqual(['shutting down', 'shutdown complete']);
      },
    );
  });
});
