import httpProxy from '@fastify/http-proxy';
import type { FastifyPluginAsync } from 'fastify';
import { forwardedHeaders } from './forwarded-headers.js';
import { answerUpstreamFailure } from './upstream-errors.js';
import type { Upstream } from './upstreams.js';

export interface UpstreamProxyOptions {
  readonly upstreams: readonly Upstream[];
  /** How long a service may take to connect, to start answering, and between two body chunks. */
  readonly timeoutMs: number;
}

/**
 * Each upstream's routes, forwarded with their path and query unchanged. Bodies are streamed
 * through, never parsed here: each service validates (and limits) its own. Not a fastify-plugin:
 * the proxy's pass-through body parsers stay inside this context.
 */
export const upstreamProxy: FastifyPluginAsync<UpstreamProxyOptions> = async (app, { upstreams, timeoutMs }) => {
  for (const upstream of upstreams) {
    await app.register(httpProxy, {
      upstream: upstream.url,
      routes: [...upstream.routes],
      // The access log already has one line per request; the proxy's own two would double it.
      disableRequestLogging: true,
      undici: { headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connect: { timeout: timeoutMs } },
      replyOptions: {
        rewriteRequestHeaders: forwardedHeaders,
        onError: (reply, { error }) => {
          answerUpstreamFailure(reply, upstream.name, error);
        },
        // Every answer goes back as it came: retrying (a 503 included) is the client's decision,
        // and a request that may have reached the service is not sent twice.
        retryDelay: () => null,
      },
    });
  }
};
