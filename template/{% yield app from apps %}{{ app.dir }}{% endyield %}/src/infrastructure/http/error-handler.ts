import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type DomainErrorKind } from '../../shared/errors.js';
import type { ErrorBody } from './error-response.schema.js';

const STATUS_BY_KIND: Record<DomainErrorKind, number> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unavailable: 503,
};

/**
 * The one place where errors become responses. Expected failures (domain errors, validation,
 * client errors raised by Fastify and its plugins) keep their message; anything else is logged
 * with its stack and answered with a generic 500 that only carries the request id.
 */
export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error.validation !== undefined) {
    const details = error.validation.map((issue) => {
      const missing =
        issue.keyword === 'required' ? (issue.params as { missingProperty?: string }).missingProperty : undefined;
      const segments = [error.validationContext ?? 'body', ...issue.instancePath.split('/').filter(Boolean)];
      if (missing !== undefined) segments.push(missing);
      return {
        field: segments.join('.'),
        message: missing === undefined ? (issue.message ?? 'is invalid') : 'is required',
      };
    });
    const summary = details.map(({ field, message }) => `${field} ${message}`).join('; ');
    return send(reply, request, 400, 'VALIDATION_FAILED', `Invalid request: ${summary}`, details);
  }

  if (error instanceof DomainError) {
    return send(reply, request, STATUS_BY_KIND[error.kind], error.code, error.message);
  }

  const statusCode = error.statusCode ?? 500;
  if (statusCode >= 400 && statusCode < 500) {
    // Raised by Fastify or a plugin about the request itself: body too large, malformed JSON,
    // rate limit reached. Their messages describe the client's mistake and are safe to return.
    return send(reply, request, statusCode, codeFor(statusCode), error.message);
  }

  request.log.error({ err: error }, 'unexpected error');
  const status = statusCode >= 500 && statusCode < 600 ? statusCode : 500;
  return send(reply, request, status, 'INTERNAL_ERROR', 'An unexpected error occurred');
}

/** Unknown routes get the same error shape as everything else. */
export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return send(reply, request, 404, 'ROUTE_NOT_FOUND', `Route ${request.method} ${request.url} not found`);
}

function send(
  reply: FastifyReply,
  request: FastifyRequest,
  statusCode: number,
  code: string,
  message: string,
  details?: ErrorBody['details'],
): FastifyReply {
  const body: ErrorBody = {
    statusCode,
    error: STATUS_CODES[statusCode] ?? 'Error',
    code,
    message,
    requestId: request.id,
  };
  if (details !== undefined) body.details = details;
  return reply.status(statusCode).send(body);
}

/** "Payload Too Large" → PAYLOAD_TOO_LARGE: stable codes without leaking framework error names. */
function codeFor(statusCode: number): string {
  return (STATUS_CODES[statusCode] ?? 'Client Error').toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}
