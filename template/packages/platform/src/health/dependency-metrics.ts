import { Gauge, type Registry } from 'prom-client';
import { checkReadiness, type ReadinessCheck } from './readiness.js';

/**
 * dependency_up{dependency}: 1 when the dependency answers, 0 when it does not, checked when
 * Prometheus scrapes. An optional dependency's outage leaves the instance ready, so this, not
 * readiness, is what to alert on.
 */
export function registerDependencyMetrics(registry: Registry, checks: readonly ReadinessCheck[]): void {
  new Gauge({
    name: 'dependency_up',
    help: 'Whether each dependency answers (1) or not (0), checked at scrape time',
    labelNames: ['dependency'] as const,
    registers: [registry],
    async collect() {
      const report = await checkReadiness(checks, () => {
        // Logged by the readiness probe; the gauge says down.
      });
      for (const [dependency, state] of Object.entries(report.checks)) {
        this.set({ dependency }, state === 'up' ? 1 : 0);
      }
    },
  });
}
