import { describe, expect, it } from 'vitest';
import { createInProcessJobRuntime } from '../../src/infrastructure/jobs/in-process-jobs.js';
import { PermanentJobError, retryDelayMs, type JobInfo, type JobOutcome } from '../../src/infrastructure/jobs/jobs.js';
import { captureLogs } from '../helpers/logs.js';

interface TestJobs {
  greet: { name: string };
}

function runtime(options: { attempts?: number; concurrency?: number } = {}) {
  const jobs = createInProcessJobRuntime({
    attempts: options.attempts ?? 3,
    backoffMs: 1,
    concurrency: options.concurrency ?? 2,
    logger: captureLogs().logger,
  });
  const outcomes: JobOutcome['outcome'][] = [];
  jobs.onOutcome(({ outcome }) => outcomes.push(outcome));
  return { jobs, outcomes, queue: jobs.queue<TestJobs>('test') };
}

describe('the in-process job runner', () => {
  it('runs a queued job with a copy of its data', async () => {
    const { jobs, outcomes, queue } = runtime();
    const runs: { data: TestJobs['greet']; job: JobInfo }[] = [];
    jobs.process<TestJobs>('test', {
      greet: async (data, job) => {
        runs.push({ data, job });
      },
    });
    const data = { name: 'Ada' };

    await queue.add('greet', data, { id: 'greet-1' });
    await jobs.idle();

    expect(runs).toEqual([{ data, job: { id: 'greet-1', name: 'greet', attempt: 1 } }]);
    expect(runs[0]?.data).not.toBe(data);
    expect(outcomes).toEqual(['completed']);
  });

  it('does not run the job before the producer has moved on', async () => {
    const { jobs, queue } = runtime();
    let ran = false;
    jobs.process<TestJobs>('test', {
      greet: async () => {
        ran = true;
      },
    });

    await queue.add('greet', { name: 'Ada' });

    expect(ran).toBe(false);
    await jobs.idle();
    expect(ran).toBe(true);
  });

  it('retries a failing job until it succeeds', async () => {
    const { jobs, outcomes, queue } = runtime({ attempts: 3 });
    const attempts: number[] = [];
    jobs.process<TestJobs>('test', {
      greet: async (_data, job) => {
        attempts.push(job.attempt);
        if (job.attempt < 3) throw new Error('temporarily unavailable');
      },
    });

    await queue.add('greet', { name: 'Ada' });
    await jobs.idle();

    expect(attempts).toEqual([1, 2, 3]);
    expect(outcomes).toEqual(['retried', 'retried', 'completed']);
    expect(jobs.failedJobs()).toEqual([]);
  });

  it('keeps a job that exhausted its attempts as failed, for inspection', async () => {
    const { jobs, outcomes, queue } = runtime({ attempts: 2 });
    jobs.process<TestJobs>('test', { greet: () => Promise.reject(new Error('still down')) });

    await queue.add('greet', { name: 'Ada' }, { id: 'greet-2' });
    await jobs.idle();

    expect(outcomes).toEqual(['retried', 'failed']);
    expect(jobs.failedJobs()).toEqual([{ queue: 'test', name: 'greet', id: 'greet-2', error: 'Error: still down' }]);
    expect(await jobs.depth()).toEqual([{ queue: 'test', waiting: 0, active: 0, delayed: 0, failed: 1 }]);
  });

  it('does not retry a permanent failure', async () => {
    const { jobs, outcomes, queue } = runtime({ attempts: 5 });
    let calls = 0;
    jobs.process<TestJobs>('test', {
      greet: async () => {
        calls += 1;
        throw new PermanentJobError('address rejected');
      },
    });

    await queue.add('greet', { name: 'Ada' });
    await jobs.idle();

    expect(calls).toBe(1);
    expect(outcomes).toEqual(['failed']);
  });

  it('ignores a job added again with the id of one still pending', async () => {
    const { jobs, queue } = runtime();
    await queue.add('greet', { name: 'Ada' }, { id: 'once' });
    await queue.add('greet', { name: 'Ada' }, { id: 'once' });

    expect(await jobs.depth()).toEqual([{ queue: 'test', waiting: 1, active: 0, delayed: 0, failed: 0 }]);
  });

  it('keeps jobs waiting until the queue has handlers, then runs at most `concurrency` at once', async () => {
    const { jobs, queue } = runtime({ concurrency: 2 });
    for (const name of ['a', 'b', 'c']) await queue.add('greet', { name });
    let running = 0;
    let mostAtOnce = 0;

    jobs.process<TestJobs>('test', {
      greet: async () => {
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        await new Promise((resolve) => setImmediate(resolve));
        running -= 1;
      },
    });
    await jobs.idle();

    expect(mostAtOnce).toBe(2);
  });

  it('lets running jobs finish on close, then refuses new ones', async () => {
    const { jobs, queue } = runtime();
    let finished = false;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    jobs.process<TestJobs>('test', {
      greet: async () => {
        started();
        await new Promise((resolve) => setTimeout(resolve, 20));
        finished = true;
      },
    });
    await queue.add('greet', { name: 'Ada' });
    await running;

    await jobs.close();

    expect(finished).toBe(true);
    await expect(queue.add('greet', { name: 'Grace' })).rejects.toThrow(/closed/);
  });

  it('waits exponentially longer between retries, as BullMQ does', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs({ attempts: 5, backoffMs: 1000 }, attempt))).toEqual([
      1000, 2000, 4000, 8000,
    ]);
  });
});
