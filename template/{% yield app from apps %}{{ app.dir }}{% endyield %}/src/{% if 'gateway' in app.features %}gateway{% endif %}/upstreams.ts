import type { Config } from '../infrastructure/config/config.js';
import { PROJECT } from '../shared/project.js';

/** A service behind the gateway and the routes forwarded to it, paths unchanged. */
export interface Upstream {
  readonly name: string;
  /** Base URL, e.g. http://users:3000. */
  readonly url: string;
  /** Fastify route patterns: `/v1/users/*` covers `/v1/users/me`, but not `/v1/users` itself. */
  readonly routes: readonly string[];
  /**
   * Paths whose answers are event streams that stay open (Server-Sent Events): forwarded without the
   * handler deadline, which would cut them; the silence between two chunks stays bounded.
   */
  readonly eventStreams: readonly string[];
}

/** The routing table: each public path belongs to exactly one service. */
export function upstreamsOf(config: Config['upstreams']): readonly Upstream[] {
  return [
    { name: 'users', url: config.users, routes: ['/v1/users', '/v1/users/*', '/v1/auth/*'], eventStreams: [] },
    {
      name: 'orders',
      url: config.orders,
      routes: ['/v1/orders', '/v1/orders/*', '/v1/products', '/v1/products/*', ...PROJECT.webhookRoutes],
      eventStreams: PROJECT.eventStreamRoutes,
    },
  ];
}
