import { backoffDelayMs } from '#platform/retry/backoff';

/**
 * Background jobs, the same interface over BullMQ (REDIS_URL set: queued in Redis, run by the
 * worker process) and over an in-process runner (no Redis: run inside the API process).
 *
 * `Jobs` maps each job name of a queue to the type of its data, which must be plain JSON.
 */

export interface JobQueue<Jobs extends object> {
  /**
   * Queues a job. Jobs added with an `id` already waiting, delayed or running are ignored, so a
   * producer may safely add the same job twice.
   */
  add<Name extends keyof Jobs & string>(
    name: Name,
    data: Jobs[Name],
    options?: { readonly id?: string },
  ): Promise<void>;
}

export interface JobInfo {
  readonly id: string;
  readonly name: string;
  /** 1 for the first run, 2 for the first retry… */
  readonly attempt: number;
}

export type JobHandler<Data> = (data: Data, job: JobInfo) => Promise<void>;

/** A handler for every job name of a queue. */
export type JobHandlers<Jobs extends object> = { readonly [Name in keyof Jobs]: JobHandler<Jobs[Name]> };

/** completed; retried (failed, will run again after a delay); failed (attempts exhausted, kept). */
export type JobOutcomeKind = 'completed' | 'retried' | 'failed';

export interface JobOutcome {
  readonly queue: string;
  readonly name: string;
  readonly outcome: JobOutcomeKind;
  readonly durationSeconds: number;
}

export interface QueueDepth {
  readonly queue: string;
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  readonly failed: number;
}

export interface JobRuntime {
  readonly kind: 'bullmq' | 'in-process';
  queue<Jobs extends object>(name: string): JobQueue<Jobs>;
  /** Starts running the jobs of `queue` in this process. */
  process<Jobs extends object>(queue: string, handlers: JobHandlers<Jobs>): void;
  /** Job counts per queue known to this process, for the metrics. */
  depth(): Promise<QueueDepth[]>;
  onOutcome(listener: (outcome: JobOutcome) => void): void;
  /** Stops taking jobs, waits for the running ones to finish. */
  close(): Promise<void>;
}

export interface RetryPolicy {
  /** Runs of a job before it is kept as failed. */
  readonly attempts: number;
  /** Delay before the first retry; each further retry waits twice as long. */
  readonly backoffMs: number;
}

/** Thrown by a handler when retrying cannot help (an invalid address, a rejected message). */
export class PermanentJobError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}

/** Exponential backoff, as BullMQ computes it: backoffMs, 2 × backoffMs, 4 × backoffMs… */
export function retryDelayMs(policy: RetryPolicy, failedAttempt: number): number {
  return backoffDelayMs({ firstDelayMs: policy.backoffMs }, failedAttempt);
}
