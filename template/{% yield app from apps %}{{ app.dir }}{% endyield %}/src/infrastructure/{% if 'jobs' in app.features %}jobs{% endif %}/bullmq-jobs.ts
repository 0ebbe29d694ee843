import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { BullMQOtel } from 'bullmq-otel';
import type { Logger } from '#platform/observability/logger';
import type { Redis } from '#platform/redis/redis';
import { PROJECT } from '../../shared/project.js';
import { PermanentJobError, type JobHandler, type JobOutcome, type JobRuntime, type RetryPolicy } from './jobs.js';

export interface BullmqOptions extends RetryPolicy {
  /**
   * The API passes its fail-fast connection (adding a job fails at once when Redis is down); the
   * worker process passes one that waits while disconnected, as BullMQ workers require.
   */
  readonly connection: Redis;
  /** Namespaces every BullMQ key, e.g. `my-service:jobs:notifications:…`. */
  readonly keyPrefix: string;
  readonly concurrency: number;
  readonly logger: Logger;
}

// Completed jobs are only kept long enough to see recent activity; failed ones stay for a week,
// for someone to inspect (and retry) them, bounded so a failing dependency cannot fill Redis.
const REMOVE_ON_COMPLETE = { age: 3600, count: 1000 };
const REMOVE_ON_FAIL = { age: 7 * 24 * 3600, count: 10_000 };

// The trace context of whoever queues a job travels with it, so the job's spans and log lines join
// that trace (the request, or the event, that caused it). A no-op while tracing is off.
const telemetry = new BullMQOtel({ tracerName: PROJECT.name });

/** Queues in Redis, run by the worker process (`npm run worker`) with retries and backoff. */
export function createBullmqJobRuntime(options: BullmqOptions): JobRuntime {
  const { connection, logger } = options;
  const prefix = `${options.keyPrefix}:jobs`;
  const queues = new Map<string, Queue>();
  const workers: Worker[] = [];
  const listeners: ((outcome: JobOutcome) => void)[] = [];

  function queueNamed(name: string): Queue {
    let queue = queues.get(name);
    if (queue === undefined) {
      queue = new Queue(name, {
        connection,
        prefix,
        telemetry,
        defaultJobOptions: {
          attempts: options.attempts,
          backoff: { type: 'exponential', delay: options.backoffMs },
          removeOnComplete: REMOVE_ON_COMPLETE,
          removeOnFail: REMOVE_ON_FAIL,
        },
      });
      queues.set(name, queue);
    }
    return queue;
  }

  function emit(job: Job, outcome: JobOutcome['outcome']): void {
    const durationSeconds = job.processedOn === undefined ? 0 : (Date.now() - job.processedOn) / 1000;
    for (const listener of listeners) listener({ queue: job.queueName, name: job.name, outcome, durationSeconds });
  }

  return {
    kind: 'bullmq',
    queue(name) {
      const queue = queueNamed(name);
      return {
        async add(jobName, data, addOptions) {
          await queue.add(jobName, data, addOptions?.id === undefined ? undefined : { jobId: addOptions.id });
        },
      };
    },
    process(name, handlers) {
      queueNamed(name); // for its depth in the metrics
      const byName = handlers as Readonly<Record<string, JobHandler<unknown> | undefined>>;
      const worker = new Worker(
        name,
        async (job: Job) => {
          const handler = byName[job.name];
          if (handler === undefined)
            throw new UnrecoverableError(`no handler for job "${job.name}" of queue "${name}"`);
          try {
            await handler(job.data, { id: job.id ?? '', name: job.name, attempt: job.attemptsMade + 1 });
          } catch (error) {
            // BullMQ's own marker for "do not retry".
            if (error instanceof PermanentJobError) throw new UnrecoverableError(error.message);
            throw error;
          }
        },
        { connection, prefix, concurrency: options.concurrency, telemetry },
      );
      worker.on('completed', (job) => {
        logger.info({ queue: name, job: job.name, jobId: job.id, attempt: job.attemptsMade }, 'job completed');
        emit(job, 'completed');
      });
      worker.on('failed', (job, error) => {
        if (job === undefined) return;
        const retrying = job.attemptsMade < (job.opts.attempts ?? 1) && !(error instanceof UnrecoverableError);
        const fields = { err: error, queue: name, job: job.name, jobId: job.id, attempt: job.attemptsMade };
        if (retrying) logger.warn(fields, 'job failed, will retry');
        else logger.error(fields, 'job failed');
        emit(job, retrying ? 'retried' : 'failed');
      });
      worker.on('error', (error) => {
        logger.error({ err: error, queue: name }, 'job worker error');
      });
      workers.push(worker);
    },
    async depth() {
      return Promise.all(
        [...queues.entries()].map(async ([queue, bullQueue]) => {
          const counts = await bullQueue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed');
          return {
            queue,
            waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
            active: counts.active ?? 0,
            delayed: counts.delayed ?? 0,
            failed: counts.failed ?? 0,
          };
        }),
      );
    },
    onOutcome(listener) {
      listeners.push(listener);
    },
    async close() {
      // Workers first: close() lets the running jobs finish and takes no new ones.
      await Promise.all(workers.map((worker) => worker.close()));
      await Promise.all([...queues.values()].map((queue) => queue.close()));
    },
  };
}
