import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuTask, createCpuPool, type CpuPool } from '../../src/infrastructure/cpu/cpu-pool.js';
import { createMetricsRegistry } from '../../src/infrastructure/observability/metrics.js';
import renderOrdersCsv, { type ExportInput } from '../../src/modules/orders/orders-export.task.js';

const renderExport = cpuTask<ExportInput, string>(
  new URL('../../src/modules/orders/orders-export.task.js', import.meta.url),
);

/** An export big enough to keep a CPU busy for a good fraction of a second. */
function largeExport(orders: number): string {
  const items = [
    { sku: 'BOOK-DDIA', name: 'Designing Data-Intensive Applications', quantity: 2, unitPriceCents: 4590 },
    { sku: 'MUG-NODE', name: 'Node.js mug, "large"', quantity: 1, unitPriceCents: 1250 },
  ];
  return JSON.stringify(
    Array.from({ length: orders }, (_, index) => ({
      id: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
      status: 'placed',
      totalCents: 10430,
      currency: 'EUR',
      createdAt: '2030-01-01T10:00:00.000Z',
      items,
    })),
  );
}

describe('the CPU pool', () => {
  let pool: CpuPool;
  const registry = createMetricsRegistry();

  beforeAll(async () => {
    pool = createCpuPool({ maxThreads: 1 });
    await pool.run(renderExport, { ordersJson: '[]' }); // start the thread before measuring
  });

  afterAll(async () => {
    await pool.close();
  });

  /** The event-loop lag metric's maximum since the previous call (each collection resets it). */
  async function collectMaxLag(): Promise<number> {
    // Collecting nodejs_eventloop_lag_seconds updates the whole family (max included), then resets it.
    await registry.getSingleMetric('nodejs_eventloop_lag_seconds')?.get();
    const max = await registry.getSingleMetric('nodejs_eventloop_lag_max_seconds')?.get();
    return max?.values[0]?.value ?? Number.NaN;
  }

  /** The largest event-loop lag the metric reports while `work` runs. */
  async function maxLagDuring(work: () => unknown): Promise<number> {
    await collectMaxLag();
    await sleep(50); // after a reset, the monitor's first tick only restarts its clock
    await work();
    await sleep(50); // the tick after the work records how late it came
    return collectMaxLag();
  }

  it('renders an export in a worker thread while the event loop keeps turning', async () => {
    const ordersJson = largeExport(50_000);
    let pooled = '';
    let inline = '';

    // The best of two runs: a garbage collection or a busy machine can stall any run a little,
    // but an export on the event loop would stall both.
    const lagsWithPool: number[] = [];
    for (let run = 0; run < 2; run += 1) {
      lagsWithPool.push(
        await maxLagDuring(async () => {
          pooled = await pool.run(renderExport, { ordersJson });
        }),
      );
    }
    const lagWithPool = Math.min(...lagsWithPool);
    const lagInline = await maxLagDuring(() => {
      inline = renderOrdersCsv({ ordersJson });
    });

    expect(pooled).toBe(inline);
    const figures = `event-loop lag: ${lagWithPool} s with the pool, ${lagInline} s inline`;
    // Rendered on the event loop, the export blocks it: the metric sees it…
    expect(lagInline, figures).toBeGreaterThan(0.1);
    // …rendered in the pool, it does not.
    expect(lagWithPool, figures).toBeLessThan(lagInline / 4);
  });

  it('reports its threads in the metrics', () => {
    expect(pool.stats()).toMatchObject({ threads: 1, queued: 0 });
  });
});
