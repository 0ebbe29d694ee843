import type { Span } from '@opentelemetry/api';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { PROJECT } from '../../shared/project.js';
import { telemetryStarted } from './shutdown.js';

const SPAN = Symbol('span');

declare module 'fastify' {
  interface FastifyRequest {
    [SPAN]: Span | undefined;
  }
  interface FastifyContextConfig {
    /** false: no span for this route (metrics scrapes). */
    tracing?: boolean;
  }
}

/**
 * A server span for every request of the context it is registered in (first, so that every hook
 * runs inside it), opened from Fastify's own hooks. OpenTelemetry's HTTP instrumentation does the
 * same from node:http and costs far more: it wraps every request and response in context and
 * span objects whether the request is sampled or not. Here an unsampled request costs one header
 * lookup and a non-recording span; the attributes are only built for sampled ones.
 *
 * A `traceparent` header from the caller is honoured (W3C Trace Context), and the span is the
 * active context for the rest of the request, so PostgreSQL and Redis spans and log lines join it.
 * Nothing is registered when tracing is off.
 */
const httpSpansPlugin: FastifyPluginAsync = async (app) => {
  if (!telemetryStarted()) return;
  // Loaded only when tracing is on, like the SDK itself.
  const { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } = await import('@opentelemetry/api');
  const tracer = trace.getTracer(PROJECT.name);
  // A request property declared up front (cheaper for the garbage collector than a WeakMap).
  app.decorateRequest(SPAN, undefined);

  app.addHook('onRequest', (request, _reply, done) => {
    if (request.routeOptions.config.tracing === false) {
      done();
      return;
    }
    const route = request.routeOptions.url;
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    // Named after the route pattern, never the URL: span names must stay few.
    const span = tracer.startSpan(
      route === undefined ? request.method : `${request.method} ${route}`,
      { kind: SpanKind.SERVER },
      parent,
    );
    if (span.isRecording()) {
      span.setAttributes({
        'http.request.method': request.method,
        // The path only: a query string may carry data that does not belong in a trace.
        'url.path': request.url.split('?', 1)[0],
        'url.scheme': request.protocol,
        'client.address': request.ip,
        ...(route === undefined ? {} : { 'http.route': route }),
      });
    }
    request[SPAN] = span;
    context.with(trace.setSpan(parent, span), done);
  });

  app.addHook('onError', (request, _reply, error, done) => {
    request[SPAN]?.recordException(error);
    done();
  });

  app.addHook('onResponse', (request, reply, done) => {
    const span = request[SPAN];
    if (span !== undefined) {
      span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    done();
  });

  app.addHook('onRequestAbort', (request, done) => {
    const span = request[SPAN];
    if (span !== undefined) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'request aborted by the client' });
      span.end();
    }
    done();
  });
};

/** Server spans for the HTTP API, when OpenTelemetry is on (see telemetry/sdk.ts). */
export const httpSpans = fp(httpSpansPlugin, { name: 'http-spans' });
