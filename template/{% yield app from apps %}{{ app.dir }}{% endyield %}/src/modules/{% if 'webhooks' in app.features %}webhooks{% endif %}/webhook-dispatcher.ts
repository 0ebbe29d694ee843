import { randomUUID } from 'node:crypto';
import type { Logger } from '#platform/observability/logger';
import { backoffDelayMs } from '#platform/retry/backoff';
import type { WebhooksConfig } from '../../infrastructure/config/webhooks.js';
import type { AttemptResult, ClaimedDelivery } from './webhooks.model.js';
import type { WebhooksRepository } from './webhooks.repository.js';
import { retryDelayMs } from './retry-schedule.js';
import type { SendOutcome, WebhookMessage } from './webhook-sender.js';

export interface Sender {
  send(url: string, secret: string, message: WebhookMessage): Promise<SendOutcome>;
}

export interface WebhookDispatcherOptions {
  readonly repository: WebhooksRepository;
  readonly sender: Sender;
  readonly logger: Logger;
  readonly config: Pick<
    WebhooksConfig,
    'maxAttempts' | 'retry' | 'pollIntervalMs' | 'concurrency' | 'requestTimeoutMs'
  >;
  /** Told how each attempt ended (the metrics). */
  readonly onAttempt?: (result: AttemptResult['kind']) => void;
}

/** Longest pause between two looks at the table while the database fails. */
const MAX_DATABASE_BACKOFF_MS = 30_000;

/**
 * The delivery loop. Due deliveries are claimed in one short statement (FOR UPDATE SKIP LOCKED,
 * then a lease), sent with no transaction open, and each attempt is recorded with its result:
 * delivered, retried later with backoff, or failed once the attempts run out.
 *
 * The table is the queue: a process that stops or crashes loses nothing (its leases expire and any
 * instance sends those deliveries again), and instances send side by side without sending a row
 * twice while its lease holds. A crash between the receiver's answer and the record sends that
 * delivery again: delivery is at least once, with the same webhook-id for the receiver to
 * deduplicate on.
 */
export class WebhookDispatcher {
  /** Written on the rows this instance claims, so it records only its own. */
  private readonly id = randomUUID();
  /** Long enough for every send of a batch to time out, then record. */
  private readonly leaseMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private wakeRequested = false;
  private failures = 0;

  constructor(private readonly options: WebhookDispatcherOptions) {
    this.leaseMs = 2 * options.config.requestTimeoutMs + 5000;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** A delivery was recorded: send it now rather than at the next poll. */
  wake(): void {
    if (this.stopped) return;
    if (this.running !== undefined) this.wakeRequested = true;
    else this.schedule(0);
  }

  /** Lets the batch in flight finish (its attempts are recorded), then stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Claims the due deliveries (up to the concurrency), sends them and records each; how many. */
  async dispatchDue(): Promise<number> {
    const { repository, config } = this.options;
    const claimed = await repository.claimDue(config.concurrency, this.leaseMs, this.id);
    // Every send finishes (or times out) before the batch ends, so stop() waits for all of them.
    const results = await Promise.allSettled(claimed.map((delivery) => this.deliver(delivery)));
    const failed = results.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    return claimed.length;
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    const { repository, sender, config, logger } = this.options;
    const attemptedAt = new Date();
    const outcome = await sender.send(delivery.url, delivery.secret, messageOf(delivery));
    const result: AttemptResult = outcome.delivered
      ? { kind: 'delivered' }
      : delivery.attempt >= config.maxAttempts
        ? { kind: 'failed' }
        : { kind: 'retry', afterMs: retryDelayMs(config.retry, delivery.attempt) };
    await repository.recordAttempt(
      delivery.id,
      this.id,
      { attempt: delivery.attempt, attemptedAt, ...outcome },
      result,
    );
    this.options.onAttempt?.(result.kind);
    if (result.kind === 'failed') {
      logger.warn(
        { deliveryId: delivery.id, eventId: delivery.eventId, attempts: delivery.attempt, error: outcome.error },
        'webhook delivery failed for good',
      );
    }
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = undefined;
      });
    }, delayMs);
    // The loop alone does not keep the process alive: shutdown stops it explicitly.
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const { config, logger } = this.options;
    let delay = config.pollIntervalMs;
    try {
      const sent = await this.dispatchDue();
      this.failures = 0;
      // A full batch means more may be due: go on at once.
      if (sent === config.concurrency || this.wakeRequested) delay = 0;
    } catch (error) {
      this.failures += 1;
      delay = backoffDelayMs(
        { firstDelayMs: config.pollIntervalMs, maxDelayMs: MAX_DATABASE_BACKOFF_MS },
        this.failures,
      );
      if (this.failures === 1 || this.failures % 10 === 0) {
        logger.warn(
          { err: error, failures: this.failures, retryInMs: delay },
          'webhook deliveries: the database failed',
        );
      }
    }
    this.wakeRequested = false;
    if (!this.stopped) this.schedule(delay);
  }
}

/** The body follows the Standard Webhooks payload shape: type, timestamp, data. */
function messageOf(delivery: ClaimedDelivery): WebhookMessage {
  const body = JSON.stringify({
    type: delivery.eventType,
    timestamp: delivery.createdAt.toISOString(),
    data: delivery.payload,
  });
  // Signed with the time of sending: receivers refuse signatures older than a few minutes (replays).
  return { id: delivery.eventId, timestamp: new Date(), body };
}
