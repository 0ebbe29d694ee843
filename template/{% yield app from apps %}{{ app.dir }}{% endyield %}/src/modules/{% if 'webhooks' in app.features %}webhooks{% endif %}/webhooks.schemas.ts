import { Type, type Static } from 'typebox';
import { WEBHOOK_EVENT_TYPES } from './webhooks.model.js';

// HTTP contract of the webhooks module.

const EventType = Type.Enum(WEBHOOK_EVENT_TYPES);

export const CreateWebhookBody = Type.Object(
  {
    url: Type.String({
      format: 'uri',
      maxLength: 2048,
      description: 'Where deliveries are POSTed: https:// (see the README for the rules)',
      examples: ['https://example.com/webhooks/orders'],
    }),
    eventTypes: Type.Array(EventType, { minItems: 1, maxItems: WEBHOOK_EVENT_TYPES.length, uniqueItems: true }),
  },
  { additionalProperties: false },
);
export type CreateWebhookBody = Static<typeof CreateWebhookBody>;

export const WebhookIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const WebhookResponse = Type.Object({
  id: Type.String({ format: 'uuid' }),
  url: Type.String(),
  eventTypes: Type.Array(EventType),
  createdAt: Type.String({ format: 'date-time' }),
});

export const CreatedWebhookResponse = Type.Object({
  ...WebhookResponse.properties,
  secret: Type.String({
    description: 'Verifies the webhook-signature of every delivery (Standard Webhooks); shown only in this answer',
    examples: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
  }),
});

export const WebhookListResponse = Type.Object({ webhooks: Type.Array(WebhookResponse) });

export const Unsubscribed = Type.Null({ description: 'Unsubscribed' });

const Timestamp = Type.String({ format: 'date-time' });
const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);

export const DeliveryListResponse = Type.Object({
  deliveries: Type.Array(
    Type.Object({
      id: Type.String({ format: 'uuid' }),
      eventId: Type.String({ format: 'uuid', description: 'Sent as webhook-id: the same on every attempt' }),
      eventType: Type.String(),
      status: Type.Enum(['pending', 'delivered', 'failed']),
      attempts: Type.Integer(),
      nextAttemptAt: NullableTimestamp,
      createdAt: Timestamp,
      finishedAt: NullableTimestamp,
      attemptLog: Type.Array(
        Type.Object({
          attempt: Type.Integer(),
          attemptedAt: Timestamp,
          durationMs: Type.Integer(),
          statusCode: Type.Union([Type.Integer(), Type.Null()]),
          error: Type.Union([Type.String(), Type.Null()]),
        }),
      ),
    }),
    { description: 'The latest deliveries, newest first' },
  ),
});
