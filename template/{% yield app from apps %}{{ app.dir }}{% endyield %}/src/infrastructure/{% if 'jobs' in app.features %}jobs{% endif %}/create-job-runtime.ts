import type { Logger } from '#platform/observability/logger';
import type { Redis } from '#platform/redis/redis';
import type { Config } from '../config/config.js';
import { createInProcessJobRuntime } from './in-process-jobs.js';
import type { JobRuntime } from './jobs.js';

/** BullMQ when the process has a Redis connection, the in-process runner otherwise. */
export async function createJobRuntime(config: Config, redis: Redis | undefined, logger: Logger): Promise<JobRuntime> {
  const policy = {
    attempts: config.jobs.attempts,
    backoffMs: config.jobs.backoffMs,
    concurrency: config.jobs.concurrency,
  };
  if (redis === undefined) return createInProcessJobRuntime({ ...policy, logger });
  // Loaded only when used: BullMQ is a large module graph that a process without Redis would load
  // (start-up time, memory) for nothing.
  const { createBullmqJobRuntime } = await import('./bullmq-jobs.js');
  return createBullmqJobRuntime({ ...policy, connection: redis, keyPrefix: config.redis.keyPrefix, logger });
}
