import type { ReadinessCheck } from '../infrastructure/health/readiness.js';
import type { Upstream } from './upstreams.js';

/** Shorter than the probe's own deadline, so a slow service is reported down rather than stall it. */
const UPSTREAM_READY_TIMEOUT_MS = 2000;

/**
 * The gateway is ready when every service behind it is: each one's /health/ready must answer 2xx.
 * A service that is down or unready takes the gateway out of the load balancer rather than let it
 * answer 502s.
 */
export function upstreamReadinessChecks(
  upstreams: readonly Upstream[],
  timeoutMs = UPSTREAM_READY_TIMEOUT_MS,
): ReadinessCheck[] {
  return upstreams.map((upstream) => ({
    name: upstream.name,
    check: async () => {
      const response = await fetch(new URL('/health/ready', upstream.url), { signal: AbortSignal.timeout(timeoutMs) });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`${upstream.name} answered ${response.status} to /health/ready`);
    },
  }));
}
