import type { Logger } from '../observability/logger.js';
import type { IdempotentConsumer } from './idempotent-consumer.js';

const SWEEP_INTERVAL_MS = 60 * 60_000;

/**
 * Forgets, once an hour, the message ids older than the retention, so the inbox table stays the
 * size of the retention window instead of growing with every message ever handled.
 */
export function startInboxSweeper(inbox: IdempotentConsumer, retentionHours: number, logger: Logger): { stop(): void } {
  const sweep = () => {
    inbox.sweep(retentionHours).then(
      (deleted) => {
        if (deleted > 0) logger.debug({ deleted }, 'inbox: message ids past retention forgotten');
      },
      (error: unknown) => {
        logger.warn({ err: error }, 'inbox: sweep failed, retried at the next one');
      },
    );
  };
  sweep();
  // The sweeper alone does not keep the process alive: shutdown stops it explicitly.
  const timer = setInterval(sweep, SWEEP_INTERVAL_MS).unref();
  return {
    stop() {
      clearInterval(timer);
    },
  };
}
