import type { Broker } from '../broker/broker.js';
import type { Database } from '../database/database.js';
import type { Logger } from '../observability/logger.js';

export interface OutboxRelayOptions {
  readonly database: Database;
  readonly broker: Pick<Broker, 'publish'>;
  readonly logger: Logger;
  /** Pause between two looks at an empty outbox. */
  readonly pollIntervalMs: number;
  readonly batchSize: number;
  readonly retentionHours: number;
  /** Longest pause between two attempts while the broker refuses messages. */
  readonly maxBackoffMs?: number;
}

interface OutboxRow extends Record<string, unknown> {
  id: string;
  type: string;
  payload: unknown;
  headers: Record<string, string>;
}

export interface BatchResult {
  readonly published: number;
  /** Why the batch stopped early (the broker refused or did not confirm), if it did. */
  readonly error?: unknown;
}

const RETENTION_SWEEP_INTERVAL_MS = 10 * 60_000;

/**
 * Publishes the outbox to the broker, oldest first, and marks what the broker confirmed.
 *
 * Each batch locks its rows (FOR UPDATE SKIP LOCKED), so several API replicas relay side by side
 * without publishing the same row twice. A crash between the broker's confirm and the commit of
 * the mark publishes that row again: delivery is at least once, and consumers deduplicate on the
 * event id. While the broker is down, attempts back off exponentially and events wait in the table.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private wakeRequested = false;
  private failures = 0;
  private lastSweep = 0;

  constructor(private readonly options: OutboxRelayOptions) {}

  start(): void {
    this.schedule(0);
  }

  /** Publishes soon after a commit instead of at the next poll; ignored while backing off. */
  wake(): void {
    if (this.stopped || this.failures > 0) return;
    // A batch in flight may have read the outbox before this commit: look again right after it.
    if (this.running === undefined) this.schedule(0);
    else this.wakeRequested = true;
  }

  /** Lets the batch in flight finish (its marks are committed), then stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One batch: publish the oldest unpublished events, in order, until one fails. */
  async publishBatch(): Promise<BatchResult> {
    const { database, broker, batchSize } = this.options;
    return database.transaction(async (tx) => {
      const { rows } = await tx.query<OutboxRow>(
        `SELECT id, type, payload, headers FROM outbox
          WHERE published_at IS NULL
          ORDER BY position
          LIMIT $1
          FOR UPDATE SKIP LOCKED`,
        [batchSize],
      );
      const published: string[] = [];
      let error: unknown;
      for (const row of rows) {
        try {
          await broker.publish({ id: row.id, type: row.type, payload: row.payload, headers: row.headers });
          published.push(row.id);
        } catch (publishError) {
          // Stop here: later events wait behind this one, so a consumer never gets them out of order.
          error = publishError;
          await tx.query('UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1', [
            row.id,
            String(publishError instanceof Error ? publishError.message : publishError).slice(0, 500),
          ]);
          break;
        }
      }
      if (published.length > 0) {
        await tx.query('UPDATE outbox SET published_at = now() WHERE id = ANY($1::uuid[])', [published]);
      }
      return error === undefined ? { published: published.length } : { published: published.length, error };
    });
  }

  /** Deletes published events older than the retention. */
  async sweep(): Promise<number> {
    const { rowCount } = await this.options.database.query(
      `DELETE FROM outbox WHERE published_at < now() - make_interval(hours => $1)`,
      [this.options.retentionHours],
    );
    return rowCount;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = undefined;
      });
    }, delayMs);
    // The relay alone does not keep the process alive: shutdown stops it explicitly.
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const { logger, pollIntervalMs, batchSize } = this.options;
    let delay = pollIntervalMs;
    try {
      const result = await this.publishBatch();
      if (result.error === undefined) {
        if (this.failures > 0)
          logger.info({ failures: this.failures }, 'outbox relay: the broker accepts events again');
        this.failures = 0;
        // A full batch means more may be waiting: go on at once.
        if (this.takeWakeRequest() || result.published === batchSize) delay = 0;
      } else {
        delay = this.backoff(result.error);
      }
      await this.sweepNowAndThen();
    } catch (error) {
      // The database itself failed (down, or a failover): the same backoff applies.
      delay = this.backoff(error);
    }
    if (!this.stopped) this.schedule(delay);
  }

  /** Whether a commit asked for a batch while this one ran (and forgets the request). */
  private takeWakeRequest(): boolean {
    const requested = this.wakeRequested;
    this.wakeRequested = false;
    return requested;
  }

  private backoff(error: unknown): number {
    this.wakeRequested = false;
    this.failures += 1;
    const delay = Math.min(this.options.pollIntervalMs * 2 ** this.failures, this.options.maxBackoffMs ?? 30_000);
    // One warning when the trouble starts, then one per ten attempts: the log is not flooded.
    if (this.failures === 1 || this.failures % 10 === 0) {
      this.options.logger.warn(
        { err: error, failures: this.failures, retryInMs: delay },
        'outbox relay: publish failed',
      );
    }
    return delay;
  }

  private async sweepNowAndThen(): Promise<void> {
    if (Date.now() - this.lastSweep < RETENTION_SWEEP_INTERVAL_MS) return;
    this.lastSweep = Date.now();
    const deleted = await this.sweep();
    if (deleted > 0) this.options.logger.debug({ deleted }, 'outbox relay: published events past retention deleted');
  }
}
