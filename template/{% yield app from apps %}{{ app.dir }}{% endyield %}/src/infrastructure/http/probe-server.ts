import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { Registry } from 'prom-client';
import { AccessLogController } from '../observability/access-log.js';
import type { Logger } from '../observability/logger.js';
import { metrics } from '../observability/metrics.js';
import { errorHandler, notFoundHandler } from './error-handler.js';
import { healthRoutes, type ReadinessCheck } from './health.routes.js';
import { generateRequestId } from './request-id.js';

/**
 * The worker process's small HTTP server: /health/live and /health/ready for the orchestrator's
 * probes, /metrics for Prometheus (queue depth, job outcomes). It serves nothing else.
 */
export async function buildProbeServer(options: {
  readonly logger: Logger;
  readonly registry: Registry;
  readonly checks: readonly ReadinessCheck[];
}) {
  const loggerInstance: FastifyBaseLogger = options.logger;
  const app = Fastify({
    loggerInstance,
    logController: new AccessLogController(options.logger),
    genReqId: generateRequestId,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  await app.register(metrics, { registry: options.registry });
  await app.register(healthRoutes, { checks: options.checks });
  return app;
}
