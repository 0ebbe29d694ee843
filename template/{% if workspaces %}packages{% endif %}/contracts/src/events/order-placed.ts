import { Type, type Static } from 'typebox';

const Uuid = Type.String({ format: 'uuid' });

/**
 * `order.placed`: an order was stored. It carries what its consumers need (the customer's
 * address and the priced lines), so the notifications service never calls back into the API:
 * event-carried state transfer, the usual price of not sharing a database.
 */
export const OrderPlacedSchema = Type.Object(
  {
    orderId: Uuid,
    userId: Uuid,
    customer: Type.Object({
      email: Type.String({ format: 'email', maxLength: 254 }),
      name: Type.String({ minLength: 1, maxLength: 100 }),
    }),
    items: Type.Array(
      Type.Object({
        sku: Type.String({ minLength: 1, maxLength: 64 }),
        name: Type.String({ minLength: 1, maxLength: 200 }),
        quantity: Type.Integer({ minimum: 1 }),
        unitPriceCents: Type.Integer({ minimum: 0 }),
      }),
      { minItems: 1 },
    ),
    totalCents: Type.Integer({ minimum: 0 }),
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    /** ISO 8601 timestamp. */
    placedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

export type OrderPlaced = Static<typeof OrderPlacedSchema>;
