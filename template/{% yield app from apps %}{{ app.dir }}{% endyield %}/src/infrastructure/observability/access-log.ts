import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from './logger.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: no access-log line for this route (health probes, metrics scrapes). */
    accessLog?: boolean;
    /** false: served even while the process sheds load (health probes, metrics scrapes). */
    loadShedding?: boolean;
  }
}

/**
 * Fastify's request logging, reduced to one line per request: the default writes an "incoming
 * request" line as well, which doubles the logging cost of every request. The request id is on
 * every line written through `request.log`, under the `requestId` key, and on the access line.
 */
export class AccessLogController extends LogController {
  /**
   * The access line has a fixed shape (method, URL, status, duration) with nothing to redact, so
   * it skips the redaction pass that every other line gets: half the cost of writing it.
   */
  readonly #accessLog: Logger;

  constructor(logger: Logger) {
    super({
      requestIdLogLabel: 'requestId',
      disableRequestLogging: (request) => request.routeOptions.config.accessLog === false,
    });
    this.#accessLog = logger.child({}, { redact: { paths: [] } });
  }

  override incomingRequest(): void {
    // The completed-request line carries everything worth knowing.
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    if (error) {
      // An error can carry anything: this line goes through the request's redacting logger.
      reply.log.error(
        {
          method: request.method,
          url: request.url,
          statusCode: reply.statusCode,
          durationMs: duration(reply),
          err: error,
        },
        'request failed',
      );
      return;
    }
    this.#accessLog.info(
      {
        requestId: request.id,
        method: request.method,
        url: request.url,
        statusCode: reply.statusCode,
        durationMs: duration(reply),
      },
      'request completed',
    );
  }
}

function duration(reply: FastifyReply): number {
  return Math.round(reply.elapsedTime * 100) / 100;
}
