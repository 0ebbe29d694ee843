import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

/** A dependency the service cannot serve without: the database, Redis. */
export interface ReadinessCheck {
  readonly name: string;
  /** Resolves when the dependency answers; rejects otherwise. */
  check(): Promise<void>;
}

const CHECK_TIMEOUT_MS = 3000;

const LiveResponse = Type.Object({ status: Type.Literal('ok') });
const ReadyResponse = Type.Object({
  status: Type.Enum(['ok', 'unavailable']),
  checks: Type.Record(Type.String(), Type.Enum(['up', 'down'])),
});

// Probes hit these every few seconds: no access-log line, no rate limit, and no load shedding (a
// busy process must not look dead to the orchestrator).
const probeRoute = { config: { rateLimit: false, accessLog: false, loadShedding: false } } as const;

export const healthRoutes: FastifyPluginAsyncTypebox<{ checks: readonly ReadinessCheck[] }> = async (
  app,
  { checks },
) => {
  // Liveness says the process can answer at all. It checks no dependency, so a database outage
  // makes the service unready (taken out of the load balancer) instead of restarted in a loop.
  app.get(
    '/health/live',
    { ...probeRoute, schema: { tags: ['health'], summary: 'Liveness probe', response: { 200: LiveResponse } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/health/ready',
    {
      ...probeRoute,
      schema: {
        tags: ['health'],
        summary: 'Readiness probe: 503 when a dependency is down',
        response: { 200: ReadyResponse, 503: ReadyResponse },
      },
    },
    async (request, reply) => {
      const results = await Promise.all(
        checks.map(async (readiness) => {
          try {
            await withDeadline(readiness.check(), CHECK_TIMEOUT_MS);
            return [readiness.name, 'up'] as const;
          } catch (error) {
            request.log.warn({ err: error, check: readiness.name }, 'readiness check failed');
            return [readiness.name, 'down'] as const;
          }
        }),
      );
      const ready = results.every(([, state]) => state === 'up');
      return reply
        .status(ready ? 200 : 503)
        .send({ status: ready ? 'ok' : 'unavailable', checks: Object.fromEntries(results) });
    },
  );
};

/** A dependency that hangs counts as down instead of stalling the probe. */
async function withDeadline(check: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    await Promise.race([check, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
