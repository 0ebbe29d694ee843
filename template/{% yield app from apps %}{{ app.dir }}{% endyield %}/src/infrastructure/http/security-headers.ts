import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * The headers helmet sets with `options`, collected once by running its middleware against a
 * response that is never sent. Helmet stays the source of the policy (the same headers and
 * values as running it on every request); only the work moves to start-up.
 */
export function helmetHeaders(options?: Readonly<HelmetOptions>): Readonly<Record<string, string>> {
  const response = new ServerResponse(new IncomingMessage(new Socket()));
  helmet(options)(response.req, response, () => undefined);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.getHeaders())) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return Object.freeze(headers);
}

/**
 * Helmet's security headers on every response of the context it is registered in. @fastify/helmet
 * rebuilds helmet's middleware chain and re-parses the Content-Security-Policy inside its hooks on
 * every request (about a sixth of a light request's CPU); the headers never change, so they are
 * built once and set with one synchronous hook. Routes that send their own policy (Swagger UI's
 * CSP) set it later in the request and replace this one.
 */
const securityHeadersPlugin: FastifyPluginCallback<{ helmet?: HelmetOptions }> = (app, options, done) => {
  const headers = helmetHeaders(options.helmet);
  app.addHook('onRequest', (_request, reply, next) => {
    reply.headers(headers);
    next();
  });
  done();
};

export const securityHeaders = fp(securityHeadersPlugin, { name: 'security-headers' });
