import underPressure from '@fastify/under-pressure';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { DomainError } from '../../shared/errors.js';

/** Seconds a client is told to wait before retrying a shed request. */
const RETRY_AFTER_SECONDS = 5;
/** How often the event-loop delay is sampled (the mean over each interval is compared). */
const SAMPLE_INTERVAL_MS = 100;

/**
 * Load shedding: while the event loop lags more than `maxEventLoopDelayMs`, requests are answered
 * 503 with Retry-After at once, instead of queueing behind work the process cannot keep up with.
 * Probes and /metrics are answered as usual, so the orchestrator does not restart a busy process.
 */
const loadSheddingPlugin: FastifyPluginAsync<{ maxEventLoopDelayMs: number }> = async (app, options) => {
  if (options.maxEventLoopDelayMs === 0) return;

  // The first samples measure the start-up itself (loading modules, compiling schemas), not load:
  // shedding starts once the application is ready and a couple of samples have been taken since.
  let armed = false;
  app.addHook('onReady', (done) => {
    setTimeout(() => {
      armed = true;
    }, 2 * SAMPLE_INTERVAL_MS).unref();
    done();
  });

  await app.register(underPressure, {
    maxEventLoopDelay: options.maxEventLoopDelayMs,
    sampleInterval: SAMPLE_INTERVAL_MS,
    exposeStatusRoute: false,
    pressureHandler: (request, reply, type, value) => {
      if (!armed || request.routeOptions.config.loadShedding === false) return undefined; // served
      // A window with no sample at all (one pause longer than the interval: a major GC, the machine
      // busy elsewhere) is reported as an infinite delay. The pause itself is recorded in the next
      // window, so shed on measured lag only, not on a single missed sample.
      if (type === 'eventLoopDelay' && !Number.isFinite(value)) return undefined;
      reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      return Promise.reject(
        new DomainError('unavailable', 'SERVER_OVERLOADED', 'The server is overloaded; retry in a few seconds'),
      );
    },
  });
};

export const loadShedding = fp(loadSheddingPlugin, { name: 'load-shedding' });
