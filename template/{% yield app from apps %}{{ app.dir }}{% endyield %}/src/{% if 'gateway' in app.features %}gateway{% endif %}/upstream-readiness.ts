import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ReadinessCheck } from '#platform/health/readiness';
import { answerReadiness, probeRoute, probeUnavailable, ReadyResponse } from '#platform/http/health.routes';
import type { Upstream } from './upstreams.js';

/** Shorter than a caller's own deadline, so a slow service is reported down rather than stall it. */
const UPSTREAM_READY_TIMEOUT_MS = 2000;

/** One check per service behind the gateway: its /health/ready must answer 2xx. */
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

/**
 * GET /health/upstreams: whether each service behind the gateway is ready, for the post-deploy
 * check and for people. It is deliberately not the gateway's readiness: were the gateway unready
 * whenever one service is, an orders outage would take the users routes down with it.
 */
export const upstreamHealth: FastifyPluginAsyncTypebox<{ upstreams: readonly Upstream[] }> = async (
  app,
  { upstreams },
) => {
  const answerUpstreams = answerReadiness(upstreamReadinessChecks(upstreams), 'service not ready');
  app.get(
    '/health/upstreams',
    {
      ...probeRoute,
      schema: {
        tags: ['health'],
        summary: 'Readiness of every service behind the gateway: 503 when one is not ready',
        response: { 200: ReadyResponse, 503: probeUnavailable(ReadyResponse) },
      },
    },
    answerUpstreams,
  );
};
