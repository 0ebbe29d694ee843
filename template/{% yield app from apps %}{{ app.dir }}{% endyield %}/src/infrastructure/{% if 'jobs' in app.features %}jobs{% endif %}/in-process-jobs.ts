import { randomUUID } from 'node:crypto';
import type { Logger } from '#platform/observability/logger';
import {
  PermanentJobError,
  retryDelayMs,
  type JobHandler,
  type JobOutcome,
  type JobRuntime,
  type QueueDepth,
  type RetryPolicy,
} from './jobs.js';

interface Job {
  readonly queue: string;
  readonly name: string;
  readonly id: string;
  readonly data: unknown;
  attempt: number;
}

export interface InProcessJobRuntime extends JobRuntime {
  readonly kind: 'in-process';
  /** Resolves once no job is waiting, running or due for a retry (tests, shutdown). */
  idle(): Promise<void>;
  /** The last jobs that exhausted their attempts, newest last, for inspection. */
  failedJobs(): readonly {
    readonly queue: string;
    readonly name: string;
    readonly id: string;
    readonly error: string;
  }[];
}

export interface InProcessOptions extends RetryPolicy {
  readonly concurrency: number;
  readonly logger: Logger;
}

const FAILED_JOBS_KEPT = 1000;

/**
 * Runs jobs inside this process, with the retries and backoff of the BullMQ runtime, so that
 * `npm run dev` and `npm test` need no Redis. Jobs live in memory only: the ones still waiting
 * when the process stops are lost. With REDIS_URL set, BullMQ and the worker process take over.
 */
export function createInProcessJobRuntime(options: InProcessOptions): InProcessJobRuntime {
  const { logger } = options;
  const handlers = new Map<string, Readonly<Record<string, JobHandler<unknown>>>>();
  const knownQueues = new Set<string>();
  const waiting: Job[] = [];
  const running = new Set<Job>();
  const retryTimers = new Map<Job, NodeJS.Timeout>();
  const failed: { queue: string; name: string; id: string; error: string }[] = [];
  const listeners: ((outcome: JobOutcome) => void)[] = [];
  let idleWaiters: (() => void)[] = [];
  let closed = false;

  const isIdle = () => running.size === 0 && retryTimers.size === 0 && !waiting.some((job) => handlers.has(job.queue));

  function emit(outcome: JobOutcome): void {
    for (const listener of listeners) listener(outcome);
  }

  function settle(): void {
    if (!isIdle()) return;
    const resolvers = idleWaiters;
    idleWaiters = [];
    for (const resolve of resolvers) resolve();
  }

  function drain(): void {
    while (!closed && running.size < options.concurrency) {
      const index = waiting.findIndex((job) => handlers.has(job.queue));
      if (index === -1) break;
      const [job] = waiting.splice(index, 1);
      if (job !== undefined) void run(job);
    }
    settle();
  }

  async function run(job: Job): Promise<void> {
    running.add(job);
    const started = performance.now();
    const handler = handlers.get(job.queue)?.[job.name];
    try {
      if (handler === undefined) {
        throw new PermanentJobError(`no handler for job "${job.name}" of queue "${job.queue}"`);
      }
      await handler(job.data, { id: job.id, name: job.name, attempt: job.attempt });
      logger.info({ queue: job.queue, job: job.name, jobId: job.id, attempt: job.attempt }, 'job completed');
      record(job, 'completed', started);
    } catch (error) {
      const permanent = error instanceof PermanentJobError;
      if (!permanent && job.attempt < options.attempts && !closed) {
        const delayMs = retryDelayMs(options, job.attempt);
        logger.warn(
          { err: error, queue: job.queue, job: job.name, jobId: job.id, attempt: job.attempt, delayMs },
          'job failed, will retry',
        );
        record(job, 'retried', started);
        retryTimers.set(
          job,
          setTimeout(() => {
            retryTimers.delete(job);
            job.attempt += 1;
            waiting.push(job);
            drain();
          }, delayMs),
        );
      } else {
        logger.error(
          { err: error, queue: job.queue, job: job.name, jobId: job.id, attempt: job.attempt },
          'job failed',
        );
        record(job, 'failed', started);
        failed.push({ queue: job.queue, name: job.name, id: job.id, error: String(error) });
        if (failed.length > FAILED_JOBS_KEPT) failed.shift();
      }
    } finally {
      running.delete(job);
      drain();
    }
  }

  function record(job: Job, outcome: JobOutcome['outcome'], started: number): void {
    emit({ queue: job.queue, name: job.name, outcome, durationSeconds: (performance.now() - started) / 1000 });
  }

  return {
    kind: 'in-process',
    queue(queue) {
      knownQueues.add(queue);
      return {
        add(name, data, addOptions) {
          if (closed) return Promise.reject(new Error(`cannot add job "${name}": the job runner is closed`));
          const id = addOptions?.id ?? randomUUID();
          const duplicate = [...waiting, ...running, ...retryTimers.keys()].some(
            (job) => job.queue === queue && job.id === id,
          );
          if (!duplicate) {
            // A JSON round trip, as through Redis: the handler gets a copy of plain data.
            waiting.push({ queue, name, id, data: JSON.parse(JSON.stringify(data)) as unknown, attempt: 1 });
            // Run after the caller's current work, as a job queued in Redis would.
            setImmediate(drain);
          }
          return Promise.resolve();
        },
      };
    },
    process(queue, queueHandlers) {
      knownQueues.add(queue);
      handlers.set(queue, queueHandlers as Readonly<Record<string, JobHandler<unknown>>>);
      setImmediate(drain);
    },
    depth() {
      const count = (jobs: Iterable<Job>, queue: string) => [...jobs].filter((job) => job.queue === queue).length;
      return Promise.resolve(
        [...knownQueues].map((queue): QueueDepth => ({
          queue,
          waiting: count(waiting, queue),
          active: count(running, queue),
          delayed: count(retryTimers.keys(), queue),
          failed: failed.filter((job) => job.queue === queue).length,
        })),
      );
    },
    onOutcome(listener) {
      listeners.push(listener);
    },
    idle() {
      return isIdle() ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve));
    },
    failedJobs: () => failed,
    async close() {
      closed = true;
      for (const timer of retryTimers.values()) clearTimeout(timer);
      const dropped = waiting.length + retryTimers.size;
      retryTimers.clear();
      waiting.length = 0;
      if (dropped > 0) logger.warn({ dropped }, 'in-process jobs dropped at shutdown (use Redis to keep them)');
      await new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        settle();
      });
    },
  };
}
