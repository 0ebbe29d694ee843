import { Gauge, type Registry } from 'prom-client';
import type { CpuPool } from './cpu-pool.js';

/** Threads and queued tasks of the worker-thread pool, read when Prometheus scrapes. */
export function registerCpuPoolMetrics(registry: Registry, pool: CpuPool): void {
  new Gauge({
    name: 'cpu_pool_threads',
    help: 'Worker threads of the CPU pool',
    registers: [registry],
    collect() {
      this.set(pool.stats().threads);
    },
  });
  new Gauge({
    name: 'cpu_pool_queued_tasks',
    help: 'CPU tasks waiting for a free worker thread',
    registers: [registry],
    collect() {
      this.set(pool.stats().queued);
    },
  });
}
