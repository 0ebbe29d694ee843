import { Counter, Gauge, type Registry } from 'prom-client';
import type { Queryable } from '#platform/database/database';
import type { AttemptResult } from './webhooks.model.js';

/**
 * The webhook backlog, read at each scrape, and the attempts by result. A growing backlog means
 * receivers are down or no instance sends; `failed` attempts are deliveries given up.
 */
export function registerWebhookMetrics(
  registry: Registry,
  database: Queryable,
): (result: AttemptResult['kind']) => void {
  new Gauge({
    name: 'webhook_pending_deliveries',
    help: 'Webhook deliveries not yet delivered nor given up',
    registers: [registry],
    async collect() {
      try {
        const { rows } = await database.query<{ count: string }>(
          `SELECT count(*) AS count FROM webhook_deliveries WHERE status = 'pending'`,
        );
        this.set(Number(rows[0]?.count ?? 0));
      } catch {
        // The database is unreachable: the scrape still answers, with the last value read.
      }
    },
  });
  const attempts = new Counter({
    name: 'webhook_delivery_attempts_total',
    help: 'Webhook delivery attempts by result: delivered, retry (to be tried again) or failed (given up)',
    labelNames: ['result'],
    registers: [registry],
  });
  return (result) => {
    attempts.inc({ result });
  };
}
