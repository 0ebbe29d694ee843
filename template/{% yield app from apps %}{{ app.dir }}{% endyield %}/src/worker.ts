// The job worker process: runs the jobs queued in Redis (BullMQ) by the API processes.
// `npm run worker` from source; `node --import ./dist/telemetry.js dist/worker.js` once built
// (the same image as the API, started with another command). It needs REDIS_URL; without Redis
// there is no worker: the API process runs the jobs itself.
import { readConfigOrExit } from './infrastructure/config/read-config.js';
import { buildProbeServer } from './infrastructure/http/probe-server.js';
import { createBullmqJobRuntime } from './infrastructure/jobs/bullmq-jobs.js';
import { registerJobMetrics } from './infrastructure/jobs/job-metrics.js';
import { createMailer } from './infrastructure/mail/nodemailer-mailer.js';
import { createLogger } from './infrastructure/observability/logger.js';
import { createMetricsRegistry } from './infrastructure/observability/metrics.js';
import { installGracefulShutdown } from './infrastructure/process/graceful-shutdown.js';
import { closeRedis, connectRedis } from './infrastructure/redis/redis.js';
import { shutdownTelemetry } from './infrastructure/telemetry/shutdown.js';
import { NOTIFICATIONS_QUEUE, runNotificationJobs } from './modules/notifications/index.js';

const config = readConfigOrExit(process.env, 'worker');
const logger = createLogger(config.log);
const shutdown = installGracefulShutdown(logger, config.shutdownTimeoutMs);
// Steps run in reverse: the probe server stops, then the workers finish their running jobs
// (BullMQ's graceful close), then the mailer and Redis close, and the last spans are exported.
shutdown.add({ name: 'telemetry', run: shutdownTelemetry });

try {
  const url = config.redis.url;
  if (url === undefined) throw new Error('REDIS_URL is not set'); // refused by readConfigOrExit already

  const redis = await connectRedis({ url, connectionName: 'worker', waitWhileDisconnected: true }, logger);
  shutdown.add({ name: 'redis', run: () => closeRedis(redis) });

  const mailer = createMailer(config.mail, logger);
  shutdown.add({
    name: 'mailer',
    run: async () => {
      mailer.close();
    },
  });

  const jobs = createBullmqJobRuntime({
    connection: redis,
    keyPrefix: config.redis.keyPrefix,
    attempts: config.jobs.attempts,
    backoffMs: config.jobs.backoffMs,
    concurrency: config.jobs.concurrency,
    logger,
  });
  shutdown.add({ name: 'jobs', run: () => jobs.close() });

  const registry = createMetricsRegistry();
  registerJobMetrics(registry, jobs);
  runNotificationJobs(jobs, mailer);

  const probes = await buildProbeServer({
    logger,
    registry,
    checks: [
      {
        name: 'redis',
        check: async () => {
          await redis.ping();
        },
      },
    ],
  });
  shutdown.add({ name: 'probe server', run: () => probes.close() });
  await probes.listen({ host: config.worker.host, port: config.worker.port });
  logger.info({ queues: [NOTIFICATIONS_QUEUE], concurrency: config.jobs.concurrency }, 'worker started');
} catch (error) {
  logger.fatal({ err: error }, 'failed to start');
  process.exit(1);
}
