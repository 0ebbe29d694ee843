import { Gauge, type Registry } from 'prom-client';
import type { Queryable } from '#platform/database/database';

/**
 * The outbox backlog, read at each scrape: a growing count or age means the broker is unreachable
 * or no relay runs. Alert on the age: unlike the count, it does not depend on traffic.
 */
export function registerOutboxMetrics(registry: Registry, database: Queryable): void {
  // Registered first, so the scrape's one query also refreshes the age gauge before it is read.
  new Gauge({
    name: 'outbox_pending_events',
    help: 'Events stored in the outbox and not yet published to the broker',
    registers: [registry],
    async collect() {
      try {
        const { rows } = await database.query<{ count: string; age: number | null }>(
          `SELECT count(*) AS count, extract(epoch FROM now() - min(created_at))::float8 AS age
             FROM outbox WHERE published_at IS NULL`,
        );
        this.set(Number(rows[0]?.count ?? 0));
        oldestAge.set(rows[0]?.age ?? 0);
      } catch {
        // The database is unreachable: the scrape still answers, with the last values read (the
        // readiness probe and the pool metrics report the outage itself).
      }
    },
  });
  const oldestAge = new Gauge({
    name: 'outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest event not yet published (0 when none is waiting)',
    registers: [registry],
  });
}
