// The API entry point. One process by default (WEB_CONCURRENCY=1), as containers want: scale with
// replicas. WEB_CONCURRENCY=N makes this process a cluster primary that runs N API processes.
import cluster from 'node:cluster';
import { startApiProcess } from './api-process.js';
import { readConfigOrExit } from './infrastructure/config/read-config.js';
import { runClusterPrimary } from './infrastructure/process/cluster.js';
import { createLogger } from './infrastructure/observability/logger.js';

const config = readConfigOrExit(process.env);
const logger = createLogger(config.log);

if (config.webConcurrency > 1 && cluster.isPrimary) {
  runClusterPrimary({ workers: config.webConcurrency, logger, shutdownTimeoutMs: config.shutdownTimeoutMs });
} else {
  await startApiProcess(config, logger, { inCluster: cluster.isWorker });
}
