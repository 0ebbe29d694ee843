// The contracts between the deployables. A schema here is the one definition of a message: the
// publisher validates what it sends and the consumer what it receives, against the same schema.
export {
  EVENT_SCHEMAS,
  EVENT_TYPES,
  isEventType,
  parseEvent,
  type DomainEvents,
  type EventType,
} from './events/events.js';
export { OrderCancelledSchema, type OrderCancelled } from './events/order-cancelled.js';
export { OrderPlacedSchema, type OrderPlaced } from './events/order-placed.js';
export { InvalidEventError } from './events/invalid-event.error.js';
