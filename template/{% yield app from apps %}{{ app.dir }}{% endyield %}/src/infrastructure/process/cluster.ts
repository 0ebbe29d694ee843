import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../observability/logger.js';
import { CrashTracker, DEFAULT_RESTART_POLICY, type RestartPolicy } from './restart-policy.js';

export interface ClusterOptions {
  /** API processes to run (WEB_CONCURRENCY). */
  readonly workers: number;
  readonly logger: Logger;
  /** How long workers get to finish their requests after SIGTERM. */
  readonly shutdownTimeoutMs: number;
  readonly restartPolicy?: RestartPolicy;
}

/**
 * The cluster primary (WEB_CONCURRENCY > 1, for bare-metal hosts and VMs; in containers run one
 * process per container instead): forks the workers, which share the listening port, replaces a
 * worker that dies with a growing delay, and on SIGTERM or SIGINT stops every worker gracefully
 * (each finishes its in-flight requests) before exiting. It serves no request itself.
 */
export function runClusterPrimary(options: ClusterOptions): void {
  const { logger } = options;
  const crashes = new CrashTracker(options.restartPolicy ?? DEFAULT_RESTART_POLICY);
  const live = new Set<Worker>();
  const pendingRestarts = new Set<NodeJS.Timeout>();
  let stopping: { exitCode: number } | undefined;

  const fork = () => {
    const worker = cluster.fork();
    live.add(worker);
    logger.info({ worker: worker.id, workerPid: worker.process.pid }, 'cluster worker started');
  };

  // Whatever the logger's destination still buffers reaches it before the process ends.
  const exit = (code: number) => {
    logger.flush(() => process.exit(code));
  };

  const stop = (exitCode: number) => {
    if (stopping !== undefined) return;
    stopping = { exitCode };
    for (const timer of pendingRestarts) clearTimeout(timer);
    logger.info({ workers: live.size }, 'stopping cluster workers');
    for (const worker of live) worker.process.kill('SIGTERM');
    if (live.size === 0) exit(exitCode);
    // Workers bound their own shutdown; this only catches one that hangs regardless.
    setTimeout(() => {
      logger.error('cluster workers did not stop in time, exiting');
      exit(1);
    }, options.shutdownTimeoutMs + 5000).unref();
  };

  cluster.on('exit', (worker, code, signal) => {
    live.delete(worker);
    if (stopping !== undefined) {
      if (live.size === 0) {
        logger.info('cluster stopped');
        exit(stopping.exitCode);
      }
      return;
    }
    const delayMs = crashes.recordCrash(Date.now());
    if (delayMs === undefined) {
      logger.fatal(
        { workerPid: worker.process.pid, code, signal },
        'cluster workers keep crashing, stopping the service',
      );
      stop(1);
      return;
    }
    logger.error(
      { worker: worker.id, workerPid: worker.process.pid, code, signal, delayMs },
      'cluster worker died, replacing it',
    );
    const timer = setTimeout(() => {
      pendingRestarts.delete(timer);
      fork();
    }, delayMs);
    pendingRestarts.add(timer);
  });

  process.once('SIGTERM', () => {
    stop(0);
  });
  process.once('SIGINT', () => {
    stop(0);
  });

  logger.info({ workers: options.workers }, 'cluster primary started');
  for (let index = 0; index < options.workers; index += 1) fork();
}
