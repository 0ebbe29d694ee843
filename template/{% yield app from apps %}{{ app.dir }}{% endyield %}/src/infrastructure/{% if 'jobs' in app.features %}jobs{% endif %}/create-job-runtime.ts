import type { Config } from '../config/config.js';
import type { Logger } from '../observability/logger.js';
import type { Redis } from '../redis/redis.js';
import { createBullmqJobRuntime } from './bullmq-jobs.js';
import { createInProcessJobRuntime } from './in-process-jobs.js';
import type { JobRuntime } from './jobs.js';

/** BullMQ when the process has a Redis connection, the in-process runner otherwise. */
export function createJobRuntime(config: Config, redis: Redis | undefined, logger: Logger): JobRuntime {
  const policy = {
    attempts: config.jobs.attempts,
    backoffMs: config.jobs.backoffMs,
    concurrency: config.jobs.concurrency,
  };
  return redis === undefined
    ? createInProcessJobRuntime({ ...policy, logger })
    : createBullmqJobRuntime({ ...policy, connection: redis, keyPrefix: config.redis.keyPrefix, logger });
}
