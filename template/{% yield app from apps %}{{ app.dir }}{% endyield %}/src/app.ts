import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { Cache } from './infrastructure/cache/cache.js';
import type { Config } from './infrastructure/config/config.js';
import { registerCpuPoolMetrics } from './infrastructure/cpu/cpu-pool-metrics.js';
import type { CpuPool } from './infrastructure/cpu/cpu-pool.js';
import type { Database } from './infrastructure/database/database.js';
import { createEventBus } from './infrastructure/events/event-bus.js';
import { authentication } from './infrastructure/http/authentication.js';
import { errorHandler, notFoundHandler } from './infrastructure/http/error-handler.js';
import { healthRoutes, type ReadinessCheck } from './infrastructure/http/health.routes.js';
import { loadShedding } from './infrastructure/http/load-shedding.js';
import { openapiDocument, openapiUi } from './infrastructure/http/openapi.js';
import { generateRequestId, requestIdHeader } from './infrastructure/http/request-id.js';
import { security } from './infrastructure/http/security.js';
import { buildValidator } from './infrastructure/http/validation.js';
import { registerJobMetrics } from './infrastructure/jobs/job-metrics.js';
import type { JobRuntime } from './infrastructure/jobs/jobs.js';
import type { Mailer } from './infrastructure/mail/mailer.js';
import { AccessLogController } from './infrastructure/observability/access-log.js';
import { lazyChildLogger } from './infrastructure/observability/lazy-child-logger.js';
import type { Logger } from './infrastructure/observability/logger.js';
import { createMetricsRegistry, metrics, registerPoolMetrics } from './infrastructure/observability/metrics.js';
import type { Redis } from './infrastructure/redis/redis.js';
import { createBcryptHasher, type PasswordHasher } from './infrastructure/security/password-hasher.js';
import { httpSpans } from './infrastructure/telemetry/http-spans.js';
import { createNotificationsModule, runNotificationJobs } from './modules/notifications/index.js';
import { createOrdersModule } from './modules/orders/index.js';
import { createUsersModule } from './modules/users/index.js';
import type { DomainEvents } from './shared/events.js';

export interface AppDependencies {
  readonly config: Config;
  readonly logger: Logger;
  readonly database: Database;
  /** A read replica for queries; absent: queries go to `database`. */
  readonly readDatabase?: Database | undefined;
  /** Absent: no Redis (rate limits per process, nothing to check in readiness). */
  readonly redis?: Redis | undefined;
  readonly cache: Cache;
  readonly jobs: JobRuntime;
  /** Used by the jobs when they run in this process (the in-process runner). */
  readonly mailer: Mailer;
  readonly cpuPool: CpuPool;
  /** Defaults to bcrypt with the configured cost. */
  readonly passwordHasher?: PasswordHasher | undefined;
}

/**
 * The HTTP application, built from explicit dependencies: server.ts passes the real ones, tests
 * pass their own. It does not listen and owns none of them (the caller closes them).
 */
export async function buildApp(dependencies: AppDependencies) {
  const { config, logger, database, readDatabase, redis, cache, jobs, mailer, cpuPool } = dependencies;
  // Typed as Fastify's logger interface, the type every plugin is written against.
  const loggerInstance: FastifyBaseLogger = logger;
  const app = Fastify({
    loggerInstance,
    logController: new AccessLogController(logger),
    childLoggerFactory: lazyChildLogger,
    genReqId: generateRequestId,
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: trustProxyOption(config.http.trustProxy),
    schemaController: { compilersFactory: { buildValidator } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setErrorHandler(errorHandler);

  // The OpenAPI collector first: it documents every route registered after it, probes included.
  await app.register(openapiDocument);
  await app.register(authentication, {
    secret: config.auth.jwtSecret,
    issuer: config.auth.jwtIssuer,
    audience: config.auth.jwtAudience,
    expiresInSeconds: config.auth.jwtExpiresInSeconds,
  });

  // The orchestrator's probes sit outside the API's context, so none of its per-request hooks run
  // for them: a probe is not traffic to secure, rate-limit, log or measure, and a liveness answer
  // should cost no more than the platform's own minimum.
  await app.register(healthRoutes, { checks: readinessChecks(dependencies) });

  const metricsRegistry = createMetricsRegistry();
  registerPoolMetrics(metricsRegistry, [
    { name: 'primary', stats: () => database.poolStats() },
    ...(readDatabase === undefined ? [] : [{ name: 'replica', stats: () => readDatabase.poolStats() }]),
  ]);
  registerJobMetrics(metricsRegistry, jobs);
  registerCpuPoolMetrics(metricsRegistry, cpuPool);

  // The modules, wired to each other only through the event bus and their public services.
  const events = createEventBus<DomainEvents>(logger);
  const users = createUsersModule({
    database,
    passwordHasher: dependencies.passwordHasher ?? createBcryptHasher(config.auth.bcryptCost),
    credentialsRateLimit: { max: config.http.rateLimit.authMax, timeWindow: config.http.rateLimit.windowMs },
  });
  const orders = createOrdersModule({
    database,
    readDatabase: readDatabase ?? database,
    cache,
    cacheTtlSeconds: config.cache.ttlSeconds,
    events,
    cpuPool,
  });
  createNotificationsModule({ events, jobs, recipients: users.service });
  // With Redis the worker process (npm run worker) runs the jobs; without it, this process does.
  if (jobs.kind === 'in-process') runNotificationJobs(jobs, mailer);

  // Everything else: spans, request ids, metrics, load shedding, security headers, CORS and rate limits
  // apply to every route of this context, /docs and /metrics included, and to unknown URLs.
  await app.register(async (api) => {
    // First: every other hook of a request runs inside its span.
    await api.register(httpSpans);
    await api.register(requestIdHeader);
    await api.register(metrics, { registry: metricsRegistry });
    await api.register(loadShedding, { maxEventLoopDelayMs: config.http.maxEventLoopDelayMs });
    await api.register(security, {
      corsOrigins: config.http.corsOrigins,
      rateLimit: config.http.rateLimit,
      redis: redis === undefined ? undefined : { client: redis, keyPrefix: config.redis.keyPrefix },
    });
    // Unknown URLs count against the rate limit too, or scanning for routes would be free.
    api.setNotFoundHandler({ preHandler: api.rateLimit() }, notFoundHandler);
    await api.register(openapiUi);

    await api.register(users.routes, { prefix: '/v1' });
    await api.register(orders.routes, { prefix: '/v1' });
  });

  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;

function readinessChecks({ database, readDatabase, redis }: AppDependencies): ReadinessCheck[] {
  const checks: ReadinessCheck[] = [{ name: 'database', check: () => database.ping() }];
  if (readDatabase !== undefined) checks.push({ name: 'database-replica', check: () => readDatabase.ping() });
  if (redis !== undefined) {
    checks.push({
      name: 'redis',
      check: async () => {
        await redis.ping();
      },
    });
  }
  return checks;
}

function trustProxyOption(trustProxy: Config['http']['trustProxy']) {
  // A hop count trusts that many proxies in front of the service (X-Forwarded-For entries).
  return typeof trustProxy === 'number' ? (_address: string, hop: number) => hop < trustProxy : trustProxy;
}
