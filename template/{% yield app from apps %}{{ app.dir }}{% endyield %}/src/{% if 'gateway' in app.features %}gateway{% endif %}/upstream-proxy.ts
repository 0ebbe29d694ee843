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

interface ForwardedRoutes {
  readonly upstream: Upstream;
  readonly routes: readonly string[];
  readonly timeoutMs: number;
  /** Event streams: no handler deadline (see upstreamProxy). */
  readonly openEnded: boolean;
}

/** `routes`, forwarded to `upstream` by one proxy, in a context of its own. */
const forwarded: FastifyPluginAsync<ForwardedRoutes> = async (app, { upstream, routes, timeoutMs, openEnded }) => {
  await app.register(httpProxy, {
    upstream: upstream.url,
    routes: [...routes],
    config: { openEnded },
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
};

/**
 * Each upstream's routes, forwarded with their path and query unchanged. Bodies are streamed
 * through, never parsed here: each service validates (and limits) its own. Not a fastify-plugin:
 * the proxy's pass-through body parsers stay inside this context.
 *
 * An upstream's event streams are routes of their own, open-ended: no handler deadline cuts them,
 * while `timeoutMs` still bounds the silence between two chunks. So the service's heartbeats must
 * come more often (its SSE_HEARTBEAT_MS below UPSTREAM_TIMEOUT_MS), and the clients of a service that
 * stopped sending are let go, to reconnect. Each chunk goes on as it comes: nothing buffers it here.
 */
export const upstreamProxy: FastifyPluginAsync<UpstreamProxyOptions> = async (app, { upstreams, timeoutMs }) => {
  for (const upstream of upstreams) {
    await app.register(forwarded, { upstream, routes: upstream.routes, timeoutMs, openEnded: false });
    if (upstream.eventStreams.length > 0) {
      await app.register(forwarded, { upstream, routes: upstream.eventStreams, timeoutMs, openEnded: true });
    }
  }
};
