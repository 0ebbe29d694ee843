import type { IncomingHttpHeaders } from 'node:http';
import { context, propagation } from '@opentelemetry/api';
import type { FastifyRequest, RawServerBase, RouteGenericInterface } from 'fastify';
import { REQUEST_ID_HEADER } from '../infrastructure/http/request-id.js';
import { encodeIdentity, IDENTITY_HEADER } from './identity.js';

/**
 * The headers a proxied request carries to its service, from the copy of the client's headers
 * that the proxy hands over (changed in place):
 * - never the client's `x-authenticated-user`; the verified caller's instead, and then no
 *   `authorization` either: the token stops at the edge;
 * - this request's id, so the service's log lines carry the same one;
 * - the trace context of this request's span (`traceparent`), so the service's spans join the
 *   gateway's trace (with tracing off, a caller's `traceparent` passes on as it came);
 * - the address the request came from, appended to `x-forwarded-for` for the service's own rate
 *   limits and logs (it trusts the gateway's hop through TRUST_PROXY).
 */
export function forwardedHeaders(
  request: FastifyRequest<RouteGenericInterface, RawServerBase>,
  headers: IncomingHttpHeaders,
): IncomingHttpHeaders {
  Reflect.deleteProperty(headers, IDENTITY_HEADER);
  if (request.edgeIdentity !== null) {
    headers[IDENTITY_HEADER] = encodeIdentity(request.edgeIdentity);
    delete headers.authorization;
  }
  headers[REQUEST_ID_HEADER] = request.id;
  // The active context is this request's span (telemetry/http-spans.ts); a no-op with tracing off.
  propagation.inject(context.active(), headers);
  const address = request.socket.remoteAddress;
  if (address !== undefined) {
    const prior = headers['x-forwarded-for'];
    headers['x-forwarded-for'] = [...(prior === undefined ? [] : [prior].flat()), address].join(', ');
  }
  return headers;
}
