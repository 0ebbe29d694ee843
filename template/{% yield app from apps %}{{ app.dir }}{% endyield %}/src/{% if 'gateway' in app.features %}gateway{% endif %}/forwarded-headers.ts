import type { IncomingHttpHeaders } from 'node:http';
import { context, propagation } from '@opentelemetry/api';
import type { FastifyRequest, RawServerBase, RouteGenericInterface } from 'fastify';
import { REQUEST_ID_HEADER } from '#platform/http/request-id';

/**
 * The headers a proxied request carries to its service, from the copy of the client's headers
 * that the proxy hands over (changed in place):
 * - the `authorization` header as it came: each service verifies the token itself (no identity
 *   travels in a header of the gateway's own);
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
  headers[REQUEST_ID_HEADER] = request.id;
  // The active context is this request's span (#platform/telemetry/http-spans); a no-op with tracing off.
  propagation.inject(context.active(), headers);
  const address = request.socket.remoteAddress;
  if (address !== undefined) {
    const prior = headers['x-forwarded-for'];
    headers['x-forwarded-for'] = [...(prior === undefined ? [] : [prior].flat()), address].join(', ');
  }
  return headers;
}
