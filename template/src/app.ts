import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { Config } from './infrastructure/config/config.js';
import type { Database } from './infrastructure/database/database.js';
import { authentication } from './infrastructure/http/authentication.js';
import { errorHandler, notFoundHandler } from './infrastructure/http/error-handler.js';
import { healthRoutes } from './infrastructure/http/health.routes.js';
import { openapi } from './infrastructure/http/openapi.js';
import { generateRequestId, requestIdHeader } from './infrastructure/http/request-id.js';
import { security } from './infrastructure/http/security.js';
import { buildValidator } from './infrastructure/http/validation.js';
import { AccessLogController } from './infrastructure/observability/access-log.js';
import type { Logger } from './infrastructure/observability/logger.js';
import { createMetricsRegistry, metrics, registerPoolMetrics } from './infrastructure/observability/metrics.js';
import { createBcryptHasher, type PasswordHasher } from './infrastructure/security/password-hasher.js';
import { usersModule } from './modules/users/index.js';

export interface AppDependencies {
  readonly config: Config;
  readonly logger: Logger;
  readonly database: Database;
  /** Defaults to bcrypt with the configured cost. */
  readonly passwordHasher?: PasswordHasher;
}

/**
 * The HTTP application, built from explicit dependencies: server.ts passes the real ones, tests
 * pass their own. It does not listen and does not own the database (the caller closes it).
 */
export async function buildApp({ config, logger, database, passwordHasher }: AppDependencies) {
  // Typed as Fastify's logger interface, the type every plugin is written against.
  const loggerInstance: FastifyBaseLogger = logger;
  const app = Fastify({
    loggerInstance,
    logController: new AccessLogController(),
    genReqId: generateRequestId,
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: trustProxyOption(config.http.trustProxy),
    schemaController: { compilersFactory: { buildValidator } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setErrorHandler(errorHandler);
  await app.register(requestIdHeader);

  const metricsRegistry = createMetricsRegistry();
  registerPoolMetrics(metricsRegistry, () => database.poolStats());
  await app.register(metrics, { registry: metricsRegistry });

  await app.register(security, { corsOrigins: config.http.corsOrigins, rateLimit: config.http.rateLimit });
  // Unknown URLs count against the rate limit too, or scanning for routes would be free.
  app.setNotFoundHandler({ preHandler: app.rateLimit() }, notFoundHandler);

  await app.register(openapi);
  await app.register(authentication, {
    secret: config.auth.jwtSecret,
    issuer: config.auth.jwtIssuer,
    audience: config.auth.jwtAudience,
    expiresInSeconds: config.auth.jwtExpiresInSeconds,
  });

  await app.register(healthRoutes, { checks: [{ name: 'database', check: () => database.ping() }] });

  await app.register(usersModule, {
    prefix: '/v1',
    database,
    passwordHasher: passwordHasher ?? createBcryptHasher(config.auth.bcryptCost),
    credentialsRateLimit: { max: config.http.rateLimit.authMax, timeWindow: config.http.rateLimit.windowMs },
  });

  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;

function trustProxyOption(trustProxy: Config['http']['trustProxy']) {
  // A hop count trusts that many proxies in front of the service (X-Forwarded-For entries).
  return typeof trustProxy === 'number' ? (_address: string, hop: number) => hop < trustProxy : trustProxy;
}
