import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { JobRuntime } from './jobs.js';

/**
 * Queue depth (read from the runtime when Prometheus scrapes) and job outcomes (counted as jobs
 * finish in this process: the worker process with BullMQ, the API process without Redis).
 */
export function registerJobMetrics(registry: Registry, jobs: JobRuntime): void {
  const processed = new Counter({
    name: 'jobs_processed_total',
    help: 'Job runs by queue, job name and outcome (completed, retried, failed)',
    labelNames: ['queue', 'job', 'outcome'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'job_duration_seconds',
    help: 'Duration of successful job runs by queue and job name',
    labelNames: ['queue', 'job'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  jobs.onOutcome(({ queue, name, outcome, durationSeconds }) => {
    processed.inc({ queue, job: name, outcome });
    if (outcome === 'completed') duration.observe({ queue, job: name }, durationSeconds);
  });

  new Gauge({
    name: 'jobs_queue_depth',
    help: 'Jobs by queue and state (waiting, active, delayed, failed)',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      // Redis unreachable: the series are left out of this scrape rather than failing all of /metrics.
      const depths = await jobs.depth().catch(() => []);
      for (const { queue, waiting, active, delayed, failed } of depths) {
        this.set({ queue, state: 'waiting' }, waiting);
        this.set({ queue, state: 'active' }, active);
        this.set({ queue, state: 'delayed' }, delayed);
        this.set({ queue, state: 'failed' }, failed);
      }
    },
  });
}
