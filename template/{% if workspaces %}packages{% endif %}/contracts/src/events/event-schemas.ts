// The events of this system: the deployable that holds the orders module publishes them; the
// notifications service consumes them, and so does the orders projector where there is one.
import { OrderCancelledSchema } from './order-cancelled.js';
import { OrderPlacedSchema } from './order-placed.js';

export { OrderCancelledSchema, type OrderCancelled } from './order-cancelled.js';
export { OrderPlacedSchema, type OrderPlaced } from './order-placed.js';

/** Every event, by name, with its schema. A new event is one entry here and one schema. */
export const EVENT_SCHEMAS = {
  'order.placed': OrderPlacedSchema,
  'order.cancelled': OrderCancelledSchema,
} as const;
