import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

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
 * every line written through `request.log`, under the `requestId` key.
 */
export class AccessLogController extends LogController {
  constructor() {
    super({
      requestIdLogLabel: 'requestId',
      disableRequestLogging: (request) => request.routeOptions.config.accessLog === false,
    });
  }

  override incomingRequest(): void {
    // The completed-request line carries everything worth knowing.
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const line = {
      method: request.method,
      url: request.url,
      statusCode: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 100) / 100,
    };
    if (error) reply.log.error({ ...line, err: error }, 'request failed');
    else reply.log.info(line, 'request completed');
  }
}
