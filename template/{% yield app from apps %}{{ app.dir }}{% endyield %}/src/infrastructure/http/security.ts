import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from '../redis/redis.js';
import { securityHeaders } from './security-headers.js';

export interface SecurityOptions {
  /** Exact origins allowed to call the API from a browser; `*` allows any. Empty: no CORS. */
  readonly corsOrigins: readonly string[];
  readonly rateLimit: { readonly max: number; readonly windowMs: number };
  /** Counts in Redis, shared by every process of the service; per process when absent. */
  readonly redis?: { readonly client: Redis; readonly keyPrefix: string } | undefined;
}

const securityPlugin: FastifyPluginAsync<SecurityOptions> = async (app, options) => {
  await app.register(securityHeaders);

  await app.register(cors, {
    origin: corsOriginOption(options.corsOrigins),
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    exposedHeaders: ['x-request-id', 'retry-after', 'etag'],
  });

  await app.register(rateLimit, {
    global: true,
    max: options.rateLimit.max,
    timeWindow: options.rateLimit.windowMs,
    ...(options.redis === undefined
      ? {}
      : {
          redis: options.redis.client,
          nameSpace: `${options.redis.keyPrefix}:rate-limit:`,
          // Redis unreachable: let requests through rather than refuse every one of them.
          skipOnError: true,
        }),
  });
};

function corsOriginOption(origins: readonly string[]): boolean | string | string[] {
  if (origins.includes('*')) return '*';
  return origins.length > 0 ? [...origins] : false;
}

/** Helmet's security headers, CORS from the allow-list, and a per-client rate limit on every route. */
export const security = fp(securityPlugin, { name: 'security' });
