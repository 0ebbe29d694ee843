import { randomUUID } from 'node:crypto';
import type { Logger } from '#platform/observability/logger';
import { backoffDelayMs } from '#platform/retry/backoff';
import type { Database } from '#platform/database/database';

/** An event as the relay hands it on. */
export interface RelayedEvent {
  /** The outbox row's id (a UUID): whoever receives the event deduplicates on it. */
  readonly id: string;
  readonly type: string;
  readonly payload: unknown;
  /** W3C trace context of the request that raised the event. */
  readonly headers: Readonly<Record<string, string>>;
}

/** Where the relay delivers: the broker, or in the monolith the modules' handlers in this process. */
export interface EventDestination {
  /** Resolves once the event is safely taken; rejects (within a deadline) when it cannot be, for now. */
  publish(event: RelayedEvent): Promise<void>;
}

export interface OutboxRelayOptions {
  readonly database: Database;
  readonly destination: EventDestination;
  readonly logger: Logger;
  /** Pause between two looks at an empty outbox. */
  readonly pollIntervalMs: number;
  readonly batchSize: number;
  readonly retentionHours: number;
  /** Longest pause between two attempts while the destination refuses events. */
  readonly maxBackoffMs?: number;
  /**
   * How long a claimed batch belongs to this relay. Rows still unpublished when it expires (the
   * relay crashed mid-batch) are claimed again by any relay. Default 30 s.
   */
  readonly leaseMs?: number;
}

interface OutboxRow extends Record<string, unknown> {
  id: string;
  position: string;
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
const DEFAULT_LEASE_MS = 30_000;
const DEFAULT_MAX_BACKOFF_MS = 30_000;

/**
 * Publishes the outbox to its destination (the broker; in the monolith, the event bus), oldest
 * first, and marks what the destination took.
 *
 * A batch is claimed in one short statement (FOR UPDATE SKIP LOCKED, then a lease written on the
 * rows), published with no transaction open, then marked published. Several API replicas thus relay
 * side by side without publishing a row twice, and no row lock or connection is held while the
 * broker takes its time to confirm. A relay that dies mid-batch leaves its rows to the next relay
 * once the lease expires; one that dies between the broker's confirm and the mark publishes that row
 * again: delivery is at least once, and consumers deduplicate on the event id.
 *
 * While the broker is down, attempts back off exponentially and events wait in the table. The
 * backoff ends as soon as the broker is reachable again (`resume()`, called on reconnection), and a
 * commit (`wake()`) brings the next attempt forward to one poll interval after the last.
 */
export class OutboxRelay {
  /** Written on the rows this relay claims, so it releases only its own. */
  private readonly id = randomUUID();
  private timer: NodeJS.Timeout | undefined;
  /** When the scheduled tick runs (ms since the epoch). */
  private nextTickAt = 0;
  private lastAttemptAt = 0;
  private running: Promise<void> | undefined;
  private stopped = false;
  private wakeRequested = false;
  private resumeRequested = false;
  private failures = 0;
  private lastSweep = 0;

  constructor(private readonly options: OutboxRelayOptions) {}

  start(): void {
    this.schedule(0);
  }

  /**
   * Publishes soon after a commit instead of at the next poll. While backing off, the next attempt
   * comes forward to one poll interval after the last one: events committed meanwhile are not held
   * back by a long backoff, and a broker still down sees at most one attempt per poll interval.
   */
  wake(): void {
    if (this.stopped) return;
    // A batch in flight may have claimed before this commit: look again right after it.
    if (this.running !== undefined) {
      this.wakeRequested = true;
      return;
    }
    const earliest = this.failures === 0 ? Date.now() : this.lastAttemptAt + this.options.pollIntervalMs;
    if (earliest < this.nextTickAt) this.schedule(Math.max(0, earliest - Date.now()));
  }

  /** The broker is reachable again (a reconnection): forget the backoff and publish now. */
  resume(): void {
    if (this.stopped) return;
    if (this.running !== undefined) {
      this.resumeRequested = true; // the batch in flight may have failed before the reconnection
      return;
    }
    this.failures = 0;
    this.schedule(0);
  }

  /** Resolves once no batch runs or is due at once: what was committed before the call is handled. */
  async idle(): Promise<void> {
    while (this.running !== undefined || this.nextTickAt <= Date.now()) {
      await (this.running ?? new Promise((resolve) => setImmediate(resolve)));
    }
  }

  /** Lets the batch in flight finish (its marks are committed), then stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One batch: claim the oldest unpublished events, publish them in order until one fails, mark them. */
  async publishBatch(): Promise<BatchResult> {
    const { database, destination } = this.options;
    const leaseMs = this.options.leaseMs ?? DEFAULT_LEASE_MS;
    const claimedAt = Date.now();
    const rows = await this.claim(leaseMs);
    const published: string[] = [];
    let error: unknown;
    for (const row of rows) {
      // Past half the lease, another relay may soon claim these rows: leave them to it.
      if (Date.now() - claimedAt > leaseMs / 2) break;
      try {
        await destination.publish({ id: row.id, type: row.type, payload: row.payload, headers: row.headers });
        published.push(row.id);
      } catch (publishError) {
        // Stop here: later events wait behind this one, so a consumer never gets them out of order.
        error = publishError;
        await database.query('UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1', [
          row.id,
          String(publishError instanceof Error ? publishError.message : publishError).slice(0, 500),
        ]);
        break;
      }
    }
    if (published.length > 0) {
      await database.query('UPDATE outbox SET published_at = now(), claimed_until = NULL WHERE id = ANY($1::uuid[])', [
        published,
      ]);
    }
    if (published.length < rows.length) {
      // What this batch did not publish is free again at once, not only when the lease expires.
      const left = rows.slice(published.length).map((row) => row.id);
      await database.query(
        'UPDATE outbox SET claimed_until = NULL, claimed_by = NULL WHERE id = ANY($1::uuid[]) AND claimed_by = $2',
        [left, this.id],
      );
    }
    return error === undefined ? { published: published.length } : { published: published.length, error };
  }

  /** Deletes published events older than the retention. */
  async sweep(): Promise<number> {
    const { rowCount } = await this.options.database.query(
      `DELETE FROM outbox WHERE published_at < now() - make_interval(hours => $1)`,
      [this.options.retentionHours],
    );
    return rowCount;
  }

  /**
   * Takes a lease on the oldest unpublished events nobody holds, in one statement (its own short
   * transaction): the row locks last as long as the statement, not as long as the publishing.
   *
   * Rows this relay already holds are claimable again too: batches run one at a time, so an
   * unpublished row still leased to this relay comes from a batch whose claim committed after its
   * connection was lost (the reply never arrived) or whose release failed. Waiting for that lease
   * to expire would hold those events back for the whole lease.
   */
  private async claim(leaseMs: number): Promise<OutboxRow[]> {
    const { rows } = await this.options.database.query<OutboxRow>(
      `WITH claimable AS (
         SELECT id FROM outbox
          WHERE published_at IS NULL AND (claimed_until IS NULL OR claimed_until < now() OR claimed_by = $3)
          ORDER BY position
          LIMIT $1
          FOR UPDATE SKIP LOCKED
       )
       UPDATE outbox o SET claimed_until = now() + make_interval(secs => $2), claimed_by = $3
         FROM claimable WHERE o.id = claimable.id
       RETURNING o.id, o.position, o.type, o.payload, o.headers`,
      [this.options.batchSize, leaseMs / 1000, this.id],
    );
    // UPDATE … RETURNING keeps no order: put the batch back in commit order.
    return rows.toSorted((a, b) => Number(BigInt(a.position) - BigInt(b.position)));
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.nextTickAt = Date.now() + delayMs;
    this.timer = setTimeout(() => {
      this.nextTickAt = Number.POSITIVE_INFINITY;
      this.running = this.tick().finally(() => {
        this.running = undefined;
      });
    }, delayMs);
    // The relay alone does not keep the process alive: shutdown stops it explicitly.
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const { logger, pollIntervalMs, batchSize } = this.options;
    this.lastAttemptAt = Date.now();
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
    if (this.stopped) return;
    if (this.resumeRequested) {
      // The broker reconnected while this batch ran: whatever it gave, try again at once.
      this.resumeRequested = false;
      this.failures = 0;
      delay = 0;
    } else if (this.takeWakeRequest()) {
      delay = Math.min(delay, pollIntervalMs);
    }
    this.schedule(delay);
  }

  /** Whether a commit asked for a batch while this one ran (and forgets the request). */
  private takeWakeRequest(): boolean {
    const requested = this.wakeRequested;
    this.wakeRequested = false;
    return requested;
  }

  private backoff(error: unknown): number {
    this.failures += 1;
    // The first retry waits two poll intervals: one is what a healthy relay waits anyway.
    const backoff = {
      firstDelayMs: 2 * this.options.pollIntervalMs,
      maxDelayMs: this.options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS,
    };
    const delay = backoffDelayMs(backoff, this.failures);
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
