import closeWithGrace from 'close-with-grace';
import type { Logger } from '../observability/logger.js';

export interface ShutdownStep {
  readonly name: string;
  run(): Promise<void>;
}

export interface GracefulShutdownOptions {
  /**
   * In a cluster worker: Ctrl+C reaches every process of the terminal's group, and the primary
   * answers it by sending SIGTERM to each worker. The worker ignores SIGINT itself, or that
   * SIGTERM would arrive as a second signal and cut its graceful shutdown short.
   */
  readonly signalsFromPrimary?: boolean;
}

/**
 * Installs the process-level handlers, once, as early as possible:
 * - SIGTERM/SIGINT: run the shutdown steps (stop the HTTP server, which finishes in-flight
 *   requests, then close the pools), exit 0; a second signal exits at once;
 * - uncaughtException/unhandledRejection: the process is in an unknown state, so it logs the
 *   error as fatal, closes what it can and exits 1 for the supervisor to restart it.
 * Either way the whole sequence is bounded by `timeoutMs`, after which the process exits 1.
 *
 * Steps are added as resources are created and run in reverse order: last opened, first closed.
 */
export function installGracefulShutdown(
  logger: Logger,
  timeoutMs: number,
  options: GracefulShutdownOptions = {},
): { readonly add: (step: ShutdownStep) => void } {
  const steps: ShutdownStep[] = [];
  if (options.signalsFromPrimary === true) {
    process.on('SIGINT', () => {
      // The primary turns it into a SIGTERM for this process.
    });
  }

  closeWithGrace(
    {
      delay: timeoutMs,
      skip: options.signalsFromPrimary === true ? ['SIGINT'] : [],
      logger: {
        error: (message: unknown) => {
          logger.error(message);
        },
      },
      onTimeout: () => {
        logger.error({ timeoutMs }, 'graceful shutdown timed out, exiting');
      },
      onSecondSignal: (signal) => {
        logger.warn({ signal }, 'second signal received, exiting now');
      },
    },
    async ({ signal, err }) => {
      if (err !== undefined) logger.fatal({ err }, 'fatal error, shutting down');
      else logger.info({ signal }, 'shutting down');
      for (const step of steps.toReversed()) {
        try {
          await step.run();
        } catch (error) {
          logger.error({ err: error, step: step.name }, 'shutdown step failed');
        }
      }
      logger.info('shutdown complete');
      // Whatever the logger's destination still buffers reaches it before the process exits.
      await new Promise<void>((resolve) => {
        logger.flush(() => {
          resolve();
        });
      });
    },
  );

  return {
    add: (step) => {
      steps.push(step);
    },
  };
}
