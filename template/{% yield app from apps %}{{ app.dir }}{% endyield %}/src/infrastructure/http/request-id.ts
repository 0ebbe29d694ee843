import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';

export const REQUEST_ID_HEADER = 'x-request-id';

// An id set by a trusted upstream (load balancer, gateway) is kept so logs correlate across hops;
// anything unusual is replaced, because the value is written into every log line.
const ACCEPTABLE_REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Fastify's `genReqId`: the caller's X-Request-Id when it is well formed, a fresh UUID otherwise. */
export function generateRequestId(request: IncomingMessage): string {
  const incoming = request.headers[REQUEST_ID_HEADER];
  return typeof incoming === 'string' && ACCEPTABLE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

const requestIdPlugin: FastifyPluginCallback = (app, _options, done) => {
  // Echoed on every response, errors included, so a client can quote it in a bug report.
  app.addHook('onRequest', (request, reply, next) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    next();
  });
  done();
};

export const requestIdHeader = fp(requestIdPlugin, { name: 'request-id-header' });
