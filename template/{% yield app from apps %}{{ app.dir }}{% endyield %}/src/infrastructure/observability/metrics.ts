import type { FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface PoolStats {
  readonly total: number;
  readonly idle: number;
  readonly waiting: number;
}

/**
 * One registry per application instance (not prom-client's global one), so tests can build many
 * apps in one process. Default metrics include event-loop lag, heap, GC and handles.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

export interface NamedPool {
  /** `primary` or `replica`. */
  readonly name: string;
  stats(): PoolStats;
}

/** Connection-pool figures, read when Prometheus scrapes rather than on every query. */
export function registerPoolMetrics(registry: Registry, pools: readonly NamedPool[]): void {
  new Gauge({
    name: 'db_pool_connections',
    help: 'Database pool connections by pool and state (waiting = requests queued for a connection)',
    labelNames: ['pool', 'state'] as const,
    registers: [registry],
    collect() {
      for (const pool of pools) {
        const stats = pool.stats();
        this.set({ pool: pool.name, state: 'total' }, stats.total);
        this.set({ pool: pool.name, state: 'idle' }, stats.idle);
        this.set({ pool: pool.name, state: 'waiting' }, stats.waiting);
      }
    },
  });
}

const metricsPlugin: FastifyPluginCallback<{ registry: Registry }> = (app, { registry }, done) => {
  const requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  // Labelled by route pattern (/v1/users/:id), never by URL, so the number of series stays bounded.
  app.addHook('onResponse', (request, reply, next) => {
    requestDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: reply.statusCode },
      reply.elapsedTime / 1000,
    );
    next();
  });

  app.get(
    '/metrics',
    {
      // Scraped every few seconds: no access-log line, no span, no rate limit, served even under load.
      config: { rateLimit: false, accessLog: false, tracing: false, loadShedding: false },
      schema: {
        hide: true,
        response: { 200: { type: 'string', description: 'Prometheus text exposition format' } },
      },
    },
    async (_request, reply) => {
      reply.type(registry.contentType);
      return registry.metrics();
    },
  );
  done();
};

/** `/metrics` for Prometheus and the request-duration histogram fed by every route. */
export const metrics = fp(metricsPlugin, { name: 'metrics' });
