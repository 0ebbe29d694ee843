import { EVENT_TYPES, type EventType } from '../../shared/events.js';

/**
 * The events a webhook can be subscribed to: every domain event this system raises (each one about a
 * customer's order), so a new event can be subscribed to as soon as it exists.
 */
export const WEBHOOK_EVENT_TYPES: readonly EventType[] = EVENT_TYPES;
export type WebhookEventType = EventType;

export interface WebhookSubscription {
  readonly id: string;
  readonly userId: string;
  readonly url: string;
  readonly eventTypes: WebhookEventType[];
  /** ISO 8601 timestamp. */
  readonly createdAt: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** A delivery and its attempts as the API shows them (timestamps in ISO 8601). */
export interface DeliveryAttempt {
  readonly attempt: number;
  readonly attemptedAt: string;
  readonly durationMs: number;
  readonly statusCode: number | null;
  readonly error: string | null;
}

export interface WebhookDelivery {
  readonly id: string;
  /** Also the webhook-id header: the receiver's idempotency key. */
  readonly eventId: string;
  readonly eventType: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  /** When the next attempt is due (pending deliveries only). */
  readonly nextAttemptAt: string | null;
  readonly createdAt: string;
  readonly finishedAt: string | null;
  readonly attemptLog: DeliveryAttempt[];
}

/** A delivery a sender has claimed: everything it needs to send it once. */
export interface ClaimedDelivery {
  readonly id: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly payload: unknown;
  readonly createdAt: Date;
  readonly url: string;
  readonly secret: string;
  /** This attempt's number (1 for the first). */
  readonly attempt: number;
}

/** How an attempt ended: delivered, to be retried at a time, or given up. */
export type AttemptResult =
  { readonly kind: 'delivered' } | { readonly kind: 'retry'; readonly afterMs: number } | { readonly kind: 'failed' };

export interface AttemptRecord {
  readonly attempt: number;
  readonly attemptedAt: Date;
  readonly durationMs: number;
  readonly statusCode?: number | undefined;
  readonly error?: string | undefined;
}
