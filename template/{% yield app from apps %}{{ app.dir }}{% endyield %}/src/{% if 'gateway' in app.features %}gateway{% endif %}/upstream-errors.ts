import { STATUS_CODES } from 'node:http';
import type { FastifyReply, RawServerBase, RouteGenericInterface } from 'fastify';
import type { ErrorBody } from '#platform/http/error-response.schema';

// @fastify/reply-from's codes for a service that did not answer in time (connecting or answering).
const TIMEOUT_CODES = new Set(['FST_REPLY_FROM_GATEWAY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * A proxied request that got no answer: 504 when the service was too slow, 502 otherwise
 * (refused, reset, unknown host), in the API's error format. The proxy has already logged the
 * cause with the request id.
 */
export function answerUpstreamFailure(
  reply: FastifyReply<RouteGenericInterface, RawServerBase>,
  upstream: string,
  error: Error & { code?: string },
): void {
  const timedOut = TIMEOUT_CODES.has(error.code ?? '');
  const statusCode = timedOut ? 504 : 502;
  const body: ErrorBody = {
    statusCode,
    error: STATUS_CODES[statusCode] ?? 'Error',
    code: timedOut ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNAVAILABLE',
    message: timedOut ? `The ${upstream} service did not answer in time` : `The ${upstream} service is unavailable`,
    requestId: reply.request.id,
  };
  void reply.status(statusCode).send(body);
}
