import type { Database } from '#platform/database/database';
import type {
  AttemptRecord,
  AttemptResult,
  ClaimedDelivery,
  WebhookDelivery,
  WebhookEventType,
  WebhookSubscription,
} from './webhooks.model.js';

interface SubscriptionRow extends Record<string, unknown> {
  id: string;
  user_id: string;
  url: string;
  event_types: WebhookEventType[];
  created_at: Date;
}

interface DeliveryRow extends Record<string, unknown> {
  id: string;
  event_id: string;
  event_type: string;
  status: WebhookDelivery['status'];
  attempts: number;
  next_attempt_at: Date;
  created_at: Date;
  finished_at: Date | null;
  attempt_log: {
    attempt: number;
    attempted_at: string;
    duration_ms: number;
    status_code: number | null;
    error: string | null;
  }[];
}

interface ClaimedRow extends Record<string, unknown> {
  id: string;
  event_id: string;
  event_type: string;
  payload: unknown;
  created_at: Date;
  url: string;
  secret: string;
  attempts: number;
}

const SUBSCRIPTION_COLUMNS = 'id, user_id, url, event_types, created_at';

/** Subscriptions, and the deliveries table that is both the sending queue and its record. */
export class WebhooksRepository {
  constructor(private readonly database: Database) {}

  /** Stores the subscription unless the user already has `max`; undefined when they have. */
  async createSubscription(
    subscription: Omit<WebhookSubscription, 'createdAt'> & { readonly secret: string },
    max: number,
  ): Promise<WebhookSubscription | undefined> {
    const { rows } = await this.database.query<SubscriptionRow>(
      `INSERT INTO webhook_subscriptions (id, user_id, url, event_types, secret)
       SELECT $1, $2, $3, $4, $5
        WHERE (SELECT count(*) FROM webhook_subscriptions WHERE user_id = $2) < $6
       RETURNING ${SUBSCRIPTION_COLUMNS}`,
      [subscription.id, subscription.userId, subscription.url, subscription.eventTypes, subscription.secret, max],
    );
    const [row] = rows;
    return row === undefined ? undefined : toSubscription(row);
  }

  /** All of a user's subscriptions: at most the per-user maximum the service enforces. */
  async subscriptionsOf(userId: string): Promise<WebhookSubscription[]> {
    const { rows } = await this.database.query<SubscriptionRow>(
      `SELECT ${SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions WHERE user_id = $1 ORDER BY created_at, id`,
      [userId],
    );
    return rows.map(toSubscription);
  }

  async ownsSubscription(userId: string, id: string): Promise<boolean> {
    const { rowCount } = await this.database.query(
      'SELECT 1 FROM webhook_subscriptions WHERE id = $1 AND user_id = $2',
      [id, userId],
    );
    return rowCount > 0;
  }

  /** Deletes the subscription and its deliveries; false when the user has no such subscription. */
  async deleteSubscription(userId: string, id: string): Promise<boolean> {
    const { rowCount } = await this.database.query('DELETE FROM webhook_subscriptions WHERE id = $1 AND user_id = $2', [
      id,
      userId,
    ]);
    return rowCount > 0;
  }

  /** The subscription's latest deliveries, newest first, each with its attempts. */
  async listDeliveries(subscriptionId: string, limit: number): Promise<WebhookDelivery[]> {
    const { rows } = await this.database.query<DeliveryRow>(
      `SELECT d.id, d.event_id, d.event_type, d.status, d.attempts, d.next_attempt_at, d.created_at, d.finished_at,
              COALESCE((SELECT json_agg(a ORDER BY a.attempt)
                          FROM webhook_delivery_attempts a WHERE a.delivery_id = d.id), '[]') AS attempt_log
         FROM webhook_deliveries d
        WHERE d.subscription_id = $1
        ORDER BY d.created_at DESC, d.id
        LIMIT $2`,
      [subscriptionId, limit],
    );
    return rows.map(toDelivery);
  }

  /**
   * One pending delivery per subscription of `userId` that wants `eventType`. Idempotent: an event
   * the outbox delivers again adds nothing (one row per subscription and event id).
   */
  async recordDeliveries(event: {
    readonly eventId: string;
    readonly eventType: WebhookEventType;
    readonly userId: string;
    readonly payload: unknown;
  }): Promise<number> {
    const { rowCount } = await this.database.query(
      `INSERT INTO webhook_deliveries (id, subscription_id, event_id, event_type, payload)
       SELECT gen_random_uuid(), s.id, $1, $2, $4
         FROM webhook_subscriptions s
        WHERE s.user_id = $3 AND $2 = ANY (s.event_types)
       ON CONFLICT ON CONSTRAINT webhook_deliveries_event_key DO NOTHING`,
      [event.eventId, event.eventType, event.userId, JSON.stringify(event.payload)],
    );
    return rowCount;
  }

  /**
   * Takes a lease on up to `limit` due deliveries nobody holds, in one statement (its own short
   * transaction), and counts the attempt now: one cut short by a crash counts too, so a delivery
   * that crashes its sender cannot be attempted forever.
   */
  async claimDue(limit: number, leaseMs: number, senderId: string): Promise<ClaimedDelivery[]> {
    const { rows } = await this.database.query<ClaimedRow>(
      `WITH due AS (
         SELECT id FROM webhook_deliveries
          WHERE status = 'pending' AND next_attempt_at <= now() AND (claimed_until IS NULL OR claimed_until < now())
          ORDER BY next_attempt_at
          LIMIT $1
          FOR UPDATE SKIP LOCKED
       )
       UPDATE webhook_deliveries d
          SET claimed_until = now() + make_interval(secs => $2), claimed_by = $3, attempts = d.attempts + 1
         FROM due, webhook_subscriptions s
        WHERE d.id = due.id AND s.id = d.subscription_id
       RETURNING d.id, d.event_id, d.event_type, d.payload, d.created_at, d.attempts, s.url, s.secret`,
      [limit, leaseMs / 1000, senderId],
    );
    return rows.map((row) => ({
      id: row.id,
      eventId: row.event_id,
      eventType: row.event_type,
      payload: row.payload,
      createdAt: row.created_at,
      url: row.url,
      secret: row.secret,
      attempt: row.attempts,
    }));
  }

  /**
   * Records an attempt and its result, and releases the lease. Nothing is recorded when this sender
   * no longer holds the delivery: its subscription was deleted meanwhile (the delivery with it).
   */
  async recordAttempt(
    deliveryId: string,
    senderId: string,
    attempt: AttemptRecord,
    result: AttemptResult,
  ): Promise<void> {
    await this.database.transaction(async (tx) => {
      // The retry's time is the database's clock, the one claims compare it with.
      const { rowCount } = await tx.query(
        `UPDATE webhook_deliveries
            SET status = $3,
                next_attempt_at = CASE WHEN $4::float8 IS NULL THEN next_attempt_at
                                       ELSE now() + make_interval(secs => $4::float8) END,
                finished_at = CASE WHEN $3 = 'pending' THEN NULL ELSE now() END,
                claimed_until = NULL, claimed_by = NULL
          WHERE id = $1 AND claimed_by = $2`,
        [
          deliveryId,
          senderId,
          result.kind === 'retry' ? 'pending' : result.kind,
          result.kind === 'retry' ? result.afterMs / 1000 : null,
        ],
      );
      if (rowCount === 0) return;
      await tx.query(
        `INSERT INTO webhook_delivery_attempts (delivery_id, attempt, attempted_at, duration_ms, status_code, error)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [
          deliveryId,
          attempt.attempt,
          attempt.attemptedAt,
          attempt.durationMs,
          attempt.statusCode ?? null,
          attempt.error ?? null,
        ],
      );
    });
  }
}

function toSubscription(row: SubscriptionRow): WebhookSubscription {
  return {
    id: row.id,
    userId: row.user_id,
    url: row.url,
    eventTypes: row.event_types,
    createdAt: row.created_at.toISOString(),
  };
}

function toDelivery(row: DeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at.toISOString() : null,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    attemptLog: row.attempt_log.map((attempt) => ({
      attempt: attempt.attempt,
      // json_agg gives PostgreSQL's text form of the timestamp: normalised to ISO 8601.
      attemptedAt: new Date(attempt.attempted_at).toISOString(),
      durationMs: attempt.duration_ms,
      statusCode: attempt.status_code,
      error: attempt.error,
    })),
  };
}
