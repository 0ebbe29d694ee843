import { Type, type Static } from 'typebox';

/**
 * `order.cancelled`: a placed order was cancelled by its customer. Projections (the orders
 * service's read model) and the real-time stream apply it; services with nothing to undo ignore it.
 */
export const OrderCancelledSchema = Type.Object(
  {
    orderId: Type.String({ format: 'uuid' }),
    userId: Type.String({ format: 'uuid' }),
    /** ISO 8601 timestamp. */
    cancelledAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

export type OrderCancelled = Static<typeof OrderCancelledSchema>;
