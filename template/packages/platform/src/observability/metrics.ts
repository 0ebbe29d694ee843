import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * One registry per application instance (not prom-client's global one), so tests can build many
 * apps in one process. Default metrics include event-loop lag, heap, GC and handles.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
